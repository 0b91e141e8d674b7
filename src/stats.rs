//! Index statistics (work in progress).

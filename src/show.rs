//! Reading stored articles back (work in progress).

// UTF-8 <-> UTF-16 for the strings that cross the COM boundary.
//
// MAPI's WCHAR is one UTF-16 code unit on every platform (it is not wchar_t off Windows), so the
// provider builds its Progress and Error texts as std::basic_string<WCHAR>.
#ifndef SAMPLE_TEXT_H
#define SAMPLE_TEXT_H

#include <mapisync.h>

#include <string>

namespace sample {

using WString = std::basic_string<WCHAR>;

// UTF-8 to UTF-16. A malformed byte becomes U+FFFD.
WString to_wide(const std::string &utf8);

// UTF-16 to UTF-8 (`len` code units; `text` may be NULL when `len` is 0). An unpaired surrogate
// becomes U+FFFD.
std::string to_utf8(const WCHAR *text, size_t len);

} // namespace sample

#endif

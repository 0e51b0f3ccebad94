// Small RAII helpers over mapisync's C test kit, for GoogleTest.
#ifndef SAMPLE_TESTS_SUPPORT_H
#define SAMPLE_TESTS_SUPPORT_H

#include <mapisync.h>

#include "text.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sample_test {

// "MAPI_E_USER_CANCEL (0x80040113)", for failure messages.
inline std::string hr_text(HRESULT hr) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(hr) & 0xFFFFFFFFul);
    const char *name = mapisync_hresult_name(hr);
    return name != nullptr ? std::string(name) + " (" + hex + ")" : std::string(hex);
}

struct RecorderDeleter {
    void operator()(mapisync_recorder *r) const { mapisync_recorder_free(r); }
};
struct RunDeleter {
    void operator()(mapisync_run *r) const { mapisync_run_free(r); }
};
using RecorderPtr = std::unique_ptr<mapisync_recorder, RecorderDeleter>;
using SyncRun = std::unique_ptr<mapisync_run, RunDeleter>;

// A new recorder, or an empty pointer (the test then fails on it).
inline RecorderPtr new_recorder() {
    mapisync_recorder *raw = nullptr;
    return mapisync_recorder_new(&raw) == S_OK ? RecorderPtr(raw) : RecorderPtr();
}

// One recorded call, with its text in UTF-8.
struct Call {
    mapisync_slot slot;
    std::string text;
    bool has_text;
    ULONG index;
    ULONG index_max;
    HRESULT hr;
    HRESULT answer;
};

inline std::vector<Call> calls(const mapisync_recorder *recorder) {
    std::vector<Call> out;
    const size_t n = mapisync_recorder_count(recorder);
    for (size_t i = 0; i < n; ++i) {
        mapisync_record r{};
        if (mapisync_recorder_get(recorder, i, &r) != S_OK) {
            break;
        }
        out.push_back(Call{r.slot, r.text ? sample::to_utf8(r.text, r.text_len) : std::string(),
                           r.text != nullptr, r.index, r.index_max, r.hr, r.answer});
    }
    return out;
}

inline size_t count_slot(const std::vector<Call> &log, mapisync_slot slot) {
    size_t n = 0;
    for (const Call &c : log) {
        n += c.slot == slot ? 1 : 0;
    }
    return n;
}

} // namespace sample_test

#endif

/*
 * mapisync.hpp: C++17 owners over mapisync's C test kit (mapisync.h), header-only.
 *
 * A test written with these never frees or releases anything by hand, needs no exceptions
 * (it compiles with -fno-exceptions), and prints what failed into the test's message:
 *
 *     mapisync::Recorder recorder;
 *     recorder.cancel_progress_from(3);
 *     mapisync::Run run = mapisync::sync_test(store, SYNC_DOWNLOAD_CONTENTS, recorder);
 *     EXPECT_TRUE(run.passed()) << run;             // GoogleTest; Catch2: INFO(run)
 *
 *     mapisync::Exploration x = mapisync::Explore().strict().run([] { return make_store(); });
 *     EXPECT_TRUE(x.passed()) << x;                 // the smallest failing script, as C
 *
 * Every class is movable and not copyable; a moved-from object is empty, as is one whose C
 * constructor failed (out of memory, a bad argument): it answers false, 0, empty strings, and
 * says why when printed. Strings are UTF-8 std::string copies.
 */
#ifndef MAPISYNC_HPP
#define MAPISYNC_HPP

#include "mapisync.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace mapisync {

namespace detail {

/* "MAPI_E_USER_CANCEL (0x80040113)", or the hex alone for a code with no name. */
inline std::string hresult_text(HRESULT hr) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(hr) & 0xFFFFFFFFul);
    const char *name = mapisync_hresult_name(hr);
    return name != nullptr ? std::string(name) + " (" + hex + ")" : std::string(hex);
}

inline std::string text(const char *s) { return s != nullptr ? std::string(s) : std::string(); }

/* Owns a C object: frees it with Free, moves, never copies. */
template <class T, void (*Free)(T *)> class Owner {
  public:
    Owner() = default;
    explicit Owner(T *p) : p_(p) {}
    Owner(Owner &&o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Owner &operator=(Owner &&o) noexcept {
        if (this != &o) {
            Free(p_);
            p_ = o.p_;
            o.p_ = nullptr;
        }
        return *this;
    }
    Owner(const Owner &) = delete;
    Owner &operator=(const Owner &) = delete;
    ~Owner() { Free(p_); }
    T *get() const { return p_; }

  private:
    T *p_ = nullptr;
};

} // namespace detail

/* One COM reference, released when the owner goes: Ref<IUnknown> store(make_store()). */
template <class T> class Ref {
  public:
    Ref() = default;
    /* Adopts the one reference `p` carries (no AddRef). */
    explicit Ref(T *p) : p_(p) {}
    Ref(Ref &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Ref &operator=(Ref &&o) noexcept {
        if (this != &o) {
            reset(std::exchange(o.p_, nullptr));
        }
        return *this;
    }
    Ref(const Ref &) = delete;
    Ref &operator=(const Ref &) = delete;
    ~Ref() { reset(nullptr); }
    T *get() const { return p_; }
    T *operator->() const { return p_; }
    explicit operator bool() const { return p_ != nullptr; }
    /* Gives the reference up to the caller. */
    T *release() { return std::exchange(p_, nullptr); }

  private:
    void reset(T *p) {
        if (p_ != nullptr) {
            p_->Release();
        }
        p_ = p;
    }
    T *p_ = nullptr;
};

/* An HRESULT in words: "E_FAIL (0x80004005)". */
inline std::string hresult_text(HRESULT hr) { return detail::hresult_text(hr); }

/* One finding of the kit's catalog (docs/findings.md explains each code). */
struct Finding {
    mapisync_severity severity = MAPISYNC_ERROR;
    std::string code;     /* "progress_after_cancel", ... */
    int64_t seq = -1;     /* the record it is about, or -1 */
    std::string what;     /* what happened */
    std::string expected; /* what the protocol expects */
};

/* "error[progress_after_cancel] at #5: what; expected: expected". */
inline std::ostream &operator<<(std::ostream &os, const Finding &f) {
    os << (f.severity == MAPISYNC_ERROR ? "error" : "warning") << '[' << f.code << ']';
    if (f.seq >= 0) {
        os << " at #" << f.seq;
    }
    return os << ": " << f.what << "; expected: " << f.expected;
}

/* The recording Outlook-side callback with scripted answers (mapisync_recorder). */
class Recorder {
  public:
    Recorder() {
        mapisync_recorder *r = nullptr;
        status_ = mapisync_recorder_new(&r);
        r_ = Owner(r);
    }
    /* The user presses Cancel at the nth Progress: MAPI_E_USER_CANCEL from the nth on. */
    HRESULT cancel_progress_from(uint64_t n) {
        return mapisync_recorder_cancel_progress_from(r_.get(), n);
    }
    /* Calls first..=last of `slot` (from 1; UINT64_MAX: on and on) answer `answer`. */
    HRESULT answer(mapisync_slot slot, uint64_t first, uint64_t last, HRESULT answer) {
        return mapisync_recorder_answer(r_.get(), slot, first, last, answer);
    }
    /* Borrowed: AddRef what you keep. */
    IMAPISyncProgressCallback *callback() const { return mapisync_recorder_callback(r_.get()); }
    size_t count() const { return mapisync_recorder_count(r_.get()); }
    /* The ith record (a zeroed one, slot MAPISYNC_SLOT_PROGRESS, when i >= count()); its text
     * lives as long as the recorder. */
    mapisync_record get(size_t i) const {
        mapisync_record r{};
        mapisync_recorder_get(r_.get(), i, &r);
        return r;
    }
    uint32_t outstanding_references() const {
        return mapisync_recorder_outstanding_references(r_.get());
    }
    /* What mapisync_recorder_new answered. */
    HRESULT status() const { return status_; }
    explicit operator bool() const { return r_.get() != nullptr; }
    mapisync_recorder *c() const { return r_.get(); }

  private:
    using Owner = detail::Owner<mapisync_recorder, mapisync_recorder_free>;
    Owner r_;
    HRESULT status_ = E_UNEXPECTED;
};

/* The expected calls, as the Rust kit's Expect: progress(1, 10, 10).done(S_OK). The first
 * failure of a step is kept in status() (and makes every match fail). */
class Expect {
  public:
    Expect() {
        mapisync_expect *e = nullptr;
        status_ = mapisync_expect_new(&e);
        e_ = Owner(e);
    }
    Expect &progress(ULONG first, ULONG last, ULONG max) & {
        return keep(mapisync_expect_progress(e_.get(), first, last, max));
    }
    Expect &error(HRESULT hr) & { return keep(mapisync_expect_error(e_.get(), hr)); }
    Expect &done(HRESULT hr) & { return keep(mapisync_expect_done(e_.get(), hr)); }
    /* Every call of the last step carries exactly this text (UTF-16, NUL-terminated). */
    Expect &text(const WCHAR *text) & { return keep(mapisync_expect_text(e_.get(), text)); }
    Expect &&progress(ULONG first, ULONG last, ULONG max) && {
        return std::move(progress(first, last, max));
    }
    Expect &&error(HRESULT hr) && { return std::move(error(hr)); }
    Expect &&done(HRESULT hr) && { return std::move(done(hr)); }
    Expect &&text(const WCHAR *t) && { return std::move(text(t)); }
    /* S_OK, or the first failure of a step. */
    HRESULT status() const { return status_; }
    const mapisync_expect *c() const { return FAILED(status_) ? nullptr : e_.get(); }

  private:
    Expect &keep(HRESULT hr) {
        if (SUCCEEDED(status_) && FAILED(hr)) {
            status_ = hr;
        }
        return *this;
    }
    using Owner = detail::Owner<mapisync_expect, mapisync_expect_free>;
    Owner e_;
    HRESULT status_ = E_UNEXPECTED;
};

/* What one synchronization came to (mapisync_run): owned, or borrowed from an Exploration. */
class Run {
  public:
    Run() = default;
    /* Takes ownership of `run`. */
    explicit Run(mapisync_run *run, HRESULT status = S_OK)
        : owned_(run), run_(run), status_(status) {}
    Run(Run &&o) noexcept
        : owned_(std::move(o.owned_)), run_(std::exchange(o.run_, nullptr)),
          status_(std::exchange(o.status_, E_POINTER)) {}
    Run &operator=(Run &&o) noexcept {
        if (this != &o) {
            owned_ = std::move(o.owned_);
            run_ = std::exchange(o.run_, nullptr);
            status_ = std::exchange(o.status_, E_POINTER);
        }
        return *this;
    }
    Run(const Run &) = delete;
    Run &operator=(const Run &) = delete;
    ~Run() = default;
    /* A view of a run someone else owns (an exploration's). */
    static Run borrowed(const mapisync_run *run) {
        Run r;
        r.run_ = run;
        r.status_ = run != nullptr ? S_OK : E_POINTER;
        return r;
    }
    /* Nothing fails the run: protocol, host, leaks; with strict, no warning either. */
    bool passed(bool strict = false) const { return mapisync_run_passed(run_, strict) != 0; }
    /* The findings that fail the run, in report order. */
    std::vector<Finding> findings(bool strict = false) const {
        std::vector<Finding> out;
        const size_t n = mapisync_run_finding_count(run_, strict);
        for (size_t i = 0; i < n; ++i) {
            mapisync_finding f{};
            if (mapisync_run_finding(run_, strict, i, &f) != S_OK) {
                break;
            }
            out.push_back(Finding{f.severity, detail::text(f.code), f.seq, detail::text(f.what),
                                  detail::text(f.expected)});
        }
        return out;
    }
    /* The findings, the host's report and the call log. */
    std::string report() const {
        if (run_ == nullptr) {
            return "no run: mapisync_sync_test answered " + detail::hresult_text(status_);
        }
        return detail::text(mapisync_run_report(run_));
    }
    HRESULT final_status() const { return mapisync_run_final_status(run_); }
    HRESULT start_status() const { return mapisync_run_start_status(run_); }
    /* True when the calls are exactly `expect`; otherwise *diff (if given) says how not. */
    bool matches(const Expect &expect, std::string *diff = nullptr) const {
        const char *d = nullptr;
        const bool same = mapisync_run_matches(run_, expect.c(), &d) != 0;
        if (diff != nullptr) {
            *diff = same ? std::string()
                         : d != nullptr ? std::string(d)
                                        : "no diff: the expectation failed to build (" +
                                              detail::hresult_text(expect.status()) + ")";
        }
        return same;
    }
    /* What mapisync_sync_test answered. */
    HRESULT status() const { return status_; }
    explicit operator bool() const { return run_ != nullptr; }
    const mapisync_run *c() const { return run_; }

  private:
    using Owner = detail::Owner<mapisync_run, mapisync_run_free>;
    Owner owned_;
    const mapisync_run *run_ = nullptr;
    HRESULT status_ = E_POINTER;
};

inline std::ostream &operator<<(std::ostream &os, const Run &run) { return os << run.report(); }

/* One synchronization of `store` as Outlook drives it, then judged (mapisync_sync_test). */
inline Run sync_test(IUnknown *store, ULONG flags, Recorder &recorder,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    mapisync_run *run = nullptr;
    const auto ms = timeout.count() < 0 ? 0 : timeout.count() > 0xFFFFFFFE ? 0xFFFFFFFE
                                                                            : timeout.count();
    const HRESULT hr =
        mapisync_sync_test(store, flags, recorder.c(), static_cast<uint32_t>(ms), &run);
    return Run(run, hr);
}

/* What an exploration found (mapisync_exploration). */
class Exploration {
  public:
    Exploration() = default;
    explicit Exploration(mapisync_exploration *x, HRESULT status) : x_(x), status_(status) {}
    bool passed() const { return mapisync_exploration_passed(x_.get()) != 0; }
    size_t scenarios() const { return mapisync_exploration_scenarios(x_.get()); }
    uint64_t seed() const { return mapisync_exploration_seed(x_.get()); }
    size_t failure_count() const { return mapisync_exploration_failure_count(x_.get()); }
    /* The ith failure's smallest script, as the C calls on a recorder named `recorder`. */
    std::string failure_script(size_t i) const {
        return detail::text(mapisync_exploration_failure_script(x_.get(), i));
    }
    /* The ith failure's run, a view valid as long as this exploration. */
    Run failure_run(size_t i) const {
        return Run::borrowed(mapisync_exploration_failure_run(x_.get(), i));
    }
    /* The summary, then each failure: its script, findings and call log. */
    std::string report() const {
        if (x_.get() == nullptr) {
            return "no exploration: mapisync_explore answered " + detail::hresult_text(status_);
        }
        return detail::text(mapisync_exploration_report(x_.get()));
    }
    /* What mapisync_explore answered (a failing store factory's code, for one). */
    HRESULT status() const { return status_; }
    explicit operator bool() const { return x_.get() != nullptr; }
    const mapisync_exploration *c() const { return x_.get(); }

  private:
    using Owner = detail::Owner<mapisync_exploration, mapisync_exploration_free>;
    Owner x_;
    HRESULT status_ = E_POINTER;
};

inline std::ostream &operator<<(std::ostream &os, const Exploration &x) {
    return os << x.report();
}

/* Exploration settings, as the Rust kit's Explore; defaults those of Explore::new(). */
class Explore {
  public:
    Explore() {
        options_.size = sizeof options_;
        options_.cases = 256;
    }
    Explore &flags(ULONG flags) {
        options_.flags = flags;
        return *this;
    }
    Explore &strict(bool strict = true) {
        options_.strict = strict ? 1 : 0;
        return *this;
    }
    Explore &cases(uint32_t n) {
        options_.cases = n;
        return *this;
    }
    Explore &seed(uint64_t seed) {
        options_.seed = seed;
        return *this;
    }
    Explore &timeout(std::chrono::milliseconds per_scenario) {
        const auto ms = per_scenario.count();
        options_.timeout_ms = ms <= 0 ? 1u : ms > 0xFFFFFFFF ? 0xFFFFFFFFu
                                                             : static_cast<uint32_t>(ms);
        return *this;
    }
    Explore &jobs(uint32_t n) {
        options_.jobs = n;
        return *this;
    }
    Explore &all_failures(bool all = true) {
        options_.all_failures = all ? 1 : 0;
        return *this;
    }
    /* Explores the stores `make_store` makes: a callable returning an owned IUnknown * (or a
     * pointer to a class deriving from it), one new store per call; nullptr fails the
     * exploration with E_POINTER. */
    template <class MakeStore> Exploration run(MakeStore &&make_store) const {
        mapisync_exploration *x = nullptr;
        const HRESULT hr =
            mapisync_explore(&options_, &call<std::remove_reference_t<MakeStore>>,
                             const_cast<void *>(static_cast<const void *>(&make_store)), &x);
        return Exploration(x, hr);
    }
    const mapisync_explore_options &c() const { return options_; }

  private:
    template <class MakeStore> static HRESULT call(void *context, IUnknown **out) {
        *out = nullptr;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
        try {
#endif
            IUnknown *store = (*static_cast<MakeStore *>(context))();
            *out = store;
            return store != nullptr ? S_OK : E_POINTER;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
        } catch (...) {
            return E_FAIL; /* an exception never crosses into the library */
        }
#endif
    }
    mapisync_explore_options options_{};
};

} // namespace mapisync

#endif /* MAPISYNC_HPP */

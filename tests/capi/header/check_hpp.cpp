// Compiles mapisync.hpp and instantiates every template in it: built as C++17 with -Wall -Wextra
// -Werror -pedantic, once with exceptions and once with -fno-exceptions -fno-rtti, by .ci/capi.
#include "mapisync.hpp"

#include <sstream>

struct CheckStore : public IMAPISync {
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void **) override { return E_NOINTERFACE; }
    ULONG STDMETHODCALLTYPE AddRef() override { return 1; }
    ULONG STDMETHODCALLTYPE Release() override { return 0; }
    HRESULT STDMETHODCALLTYPE SynchronizeInBackground(PMAPISIB) override { return E_FAIL; }
};

int check_hpp() {
    mapisync::Recorder recorder;
    mapisync::Expect expect = mapisync::Expect().progress(1, 2, 2).error(E_FAIL).done(S_OK);
    mapisync::Run run = mapisync::sync_test(nullptr, 0, recorder, std::chrono::seconds(1));
    std::string diff;
    std::ostringstream out;
    out << run << run.matches(expect, &diff) << mapisync::Finding{};
    for (const mapisync::Finding &f : run.findings(true)) {
        out << f;
    }
    CheckStore store;
    const auto make = [&store]() { return &store; };
    mapisync::Exploration x = mapisync::Explore().strict().cases(0).seed(1).timeout(
        std::chrono::milliseconds(100)).jobs(1).all_failures().flags(0).run(make);
    mapisync::Exploration y = mapisync::Explore().run([] { return static_cast<IUnknown *>(nullptr); });
    out << x << y << x.failure_script(0) << x.failure_run(0);
    mapisync::Ref<IUnknown> ref;
    mapisync::Run moved = std::move(run);
    return static_cast<int>(out.str().size() + recorder.count() + moved.passed() + bool(ref));
}

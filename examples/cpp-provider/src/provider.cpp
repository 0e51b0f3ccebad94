// The sample store as a provider library: a shared library exporting the factory a loader
// (such as mapisync-check) calls, `HRESULT mapisync_make_store(IUnknown **out)`, one new store
// over the standard account per call. Built twice by CMakeLists.txt: sample_provider (correct)
// and sample_provider_flawed (SAMPLE_PROVIDER_FLAW=IgnoresCancelInContents).
#include <mapisync.h>

#include "sample_store.h"

#if defined(_WIN32)
#define SAMPLE_EXPORT __declspec(dllexport)
#else
#define SAMPLE_EXPORT __attribute__((visibility("default")))
#endif

#ifndef SAMPLE_PROVIDER_FLAW
#define SAMPLE_PROVIDER_FLAW None
#endif

extern "C" SAMPLE_EXPORT HRESULT mapisync_make_store(IUnknown **out) {
    if (out == nullptr) {
        return E_POINTER;
    }
    *out = sample::SampleStore::create(sample::Account::standard(),
                                       sample::Flaw::SAMPLE_PROVIDER_FLAW);
    return *out != nullptr ? S_OK : E_OUTOFMEMORY;
}

// The sample store under mapisync's whole kit, through mapisync.hpp: a sync test with its
// expected calls, then an exploration of every Cancel and failure the host can answer. No free
// and no Release by hand: the owners do it.
#include <gtest/gtest.h>

#include <mapisync.hpp>

#include "sample_store.h"

#include <iostream>
#include <string>

using mapisync::Expect;
using mapisync::Explore;
using mapisync::Recorder;
using mapisync::Ref;
using sample::Account;
using sample::Flaw;
using sample::SampleStore;

namespace {

constexpr ULONG kFullSync = SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS;

// A new store over the standard account: five folders, fourteen messages.
IUnknown *standard_store(Flaw flaw = Flaw::None) {
    return SampleStore::create(Account::standard(), flaw);
}

// One synchronization of a new store, driven and judged as Outlook would drive it.
mapisync::Run sync(Recorder &recorder, Flaw flaw = Flaw::None) {
    Ref<IUnknown> store(standard_store(flaw));
    return mapisync::sync_test(store.get(), kFullSync, recorder);
}

TEST(Kit, AFullSynchronizationMakesExactlyTheExpectedCalls) {
    Recorder recorder;
    mapisync::Run run = sync(recorder);
    EXPECT_TRUE(run.passed(true)) << run;
    EXPECT_EQ(run.start_status(), S_OK);
    EXPECT_EQ(run.final_status(), S_OK) << mapisync::hresult_text(run.final_status());
    // "Connecting" at 0, then each folder and message 0..18 of 19, then "complete" at 19.
    std::string diff;
    EXPECT_TRUE(run.matches(Expect().progress(0, 0, 19).progress(0, 19, 19).done(S_OK), &diff))
        << diff;
    EXPECT_FALSE(run.matches(Expect().progress(0, 19, 19).done(S_OK), &diff));
    EXPECT_NE(diff.find("diff (- expected, + actual)"), std::string::npos) << diff;
    EXPECT_EQ(recorder.outstanding_references(), 0u);
}

TEST(Kit, CancelDuringTheContentsStopsTheStore) {
    Recorder recorder;
    ASSERT_EQ(recorder.cancel_progress_from(4), S_OK); // Inbox, message 2
    mapisync::Run run = sync(recorder);
    EXPECT_TRUE(run.passed(true)) << run;
    EXPECT_TRUE(run.findings(true).empty());
    EXPECT_EQ(run.final_status(), MAPI_E_USER_CANCEL);
    EXPECT_TRUE(run.matches(Expect().progress(0, 0, 19).progress(0, 2, 19).done(MAPI_E_USER_CANCEL)))
        << run;
}

TEST(Kit, TheStorePassesAnExploration) {
    const auto exploration = Explore().strict().cases(64).run([] { return standard_store(); });
    EXPECT_TRUE(exploration.passed()) << exploration;
    EXPECT_GE(exploration.scenarios(), 1u + 20u + 1u) << exploration;
}

TEST(Kit, ExplorationCatchesACancelIgnoredInTheContentsPhase) {
    const auto exploration = Explore().strict().cases(16).run(
        [] { return standard_store(Flaw::IgnoresCancelInContents); });
    ASSERT_FALSE(exploration.passed());
    std::cout << exploration << '\n'; // the report a failing test shows
    ASSERT_GE(exploration.failure_count(), 1u);
    // Cancel at the first message (#3: Connecting, Folder Inbox, Inbox message 1).
    EXPECT_EQ(exploration.failure_script(0),
              "mapisync_recorder_cancel_progress_from(recorder, 3);");
    const std::vector<mapisync::Finding> findings = exploration.failure_run(0).findings(true);
    ASSERT_FALSE(findings.empty()) << exploration;
    EXPECT_EQ(findings[0].severity, MAPISYNC_ERROR) << findings[0];
    EXPECT_EQ(findings[0].code, "progress_after_cancel") << findings[0];
    EXPECT_EQ(findings[0].seq, 3) << findings[0];
}

// The failing script exploration printed, pasted: it fails the same way on the flawed store and
// passes on the correct one.
TEST(Kit, ThePrintedReplayFailsTheFlawedStore) {
    for (const Flaw flaw : {Flaw::IgnoresCancelInContents, Flaw::None}) {
        Recorder replay;
        mapisync_recorder *recorder = replay.c();
        mapisync_recorder_cancel_progress_from(recorder, 3);
        mapisync::Run run = sync(replay, flaw);
        if (flaw == Flaw::None) {
            EXPECT_TRUE(run.passed(true)) << run;
            continue;
        }
        EXPECT_FALSE(run.passed(true)) << run;
        const std::vector<mapisync::Finding> findings = run.findings(true);
        ASSERT_FALSE(findings.empty());
        EXPECT_EQ(findings[0].seq, 3) << findings[0];
        EXPECT_NE(findings[0].what.find("after the user pressed Cancel"), std::string::npos)
            << findings[0];
    }
}

} // namespace

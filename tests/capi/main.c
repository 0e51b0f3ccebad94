/* The C API test runner: runs every test (or those whose name contains argv[1]), prints one
 * line per test and "N passed, M failed", and exits nonzero on any failure. */
#include <stdio.h>
#include <string.h>

#include "tests.h"

extern int runner_failures;

#define T(name) {#name, name}
static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    T(test_version_matches_the_header),
    T(test_hresult_names),
    T(test_event_create_needs_an_out_pointer),
    T(test_event_manual_reset),
    T(test_event_auto_reset),
    T(test_event_set_on_another_thread_wakes_a_waiter),
    T(test_event_closed_null_and_unknown_handles_are_e_handle),
#if !defined(_WIN32)
    T(test_win32_names_over_mapisync_events),
#endif
    T(test_callback_answers_what_the_functions_return),
    T(test_callback_null_slots_answer_s_ok),
    T(test_callback_iunknown_rules),
    T(test_callback_destroy_runs_once_on_the_releasing_thread),
    T(test_callback_bad_arguments_write_null_and_never_destroy),
    T(test_recorder_bad_arguments),
    T(test_recorder_records_and_answers_by_script),
    T(test_recorder_cancel_from_the_nth_progress),
    T(test_recorder_text_lives_as_long_as_the_recorder),
    T(test_recorder_keeps_refused_calls),
    T(test_recorder_counts_outstanding_references),
    T(test_sync_a_good_store_passes),
    T(test_sync_cancel_at_the_third_progress),
    T(test_sync_a_failing_folder_is_reported_through_error),
    T(test_sync_findings_leak_past_max_and_no_signal),
    T(test_sync_unknown_flags_go_to_the_store),
    T(test_sync_a_store_without_imapisync_is_a_finding),
    T(test_sync_bad_arguments),
    T(test_readme_example),
    T(test_c_host_drives_a_store),
    T(test_kit_start_status_and_structured_findings),
    T(test_kit_expected_calls_and_their_diff),
    T(test_kit_exploration_of_a_good_c_store_passes),
    T(test_kit_exploration_finds_a_planted_bug_and_its_c_replay_fails_the_same),
    T(test_kit_explore_bad_inputs),
};

int main(int argc, char **argv) {
    size_t i;
    int passed = 0, failed = 0;
    printf("mapisync %s C API tests\n", mapisync_version());
    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int before = runner_failures;
        if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL) {
            continue;
        }
        tests[i].fn();
        if (runner_failures == before) {
            passed++;
            printf("ok     %s\n", tests[i].name);
        } else {
            failed++;
            printf("FAILED %s\n", tests[i].name);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

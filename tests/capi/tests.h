/* Every test of the C API, for main.c's table. */
#ifndef MAPISYNC_TESTS_H
#define MAPISYNC_TESTS_H

#include "runner.h"

void test_version_matches_the_header(void);
void test_hresult_names(void);

void test_event_create_needs_an_out_pointer(void);
void test_event_manual_reset(void);
void test_event_auto_reset(void);
void test_event_set_on_another_thread_wakes_a_waiter(void);
void test_event_closed_null_and_unknown_handles_are_e_handle(void);
#if !defined(_WIN32)
void test_win32_names_over_mapisync_events(void);
#endif

void test_callback_answers_what_the_functions_return(void);
void test_callback_null_slots_answer_s_ok(void);
void test_callback_iunknown_rules(void);
void test_callback_destroy_runs_once_on_the_releasing_thread(void);
void test_callback_bad_arguments_write_null_and_never_destroy(void);

void test_recorder_bad_arguments(void);
void test_recorder_records_and_answers_by_script(void);
void test_recorder_cancel_from_the_nth_progress(void);
void test_recorder_text_lives_as_long_as_the_recorder(void);
void test_recorder_keeps_refused_calls(void);
void test_recorder_counts_outstanding_references(void);

void test_sync_a_good_store_passes(void);
void test_sync_cancel_at_the_third_progress(void);
void test_sync_a_failing_folder_is_reported_through_error(void);
void test_sync_findings_leak_past_max_and_no_signal(void);
void test_sync_unknown_flags_go_to_the_store(void);
void test_sync_a_store_without_imapisync_is_a_finding(void);
void test_sync_bad_arguments(void);
void test_readme_example(void);
void test_c_host_drives_a_store(void);

void test_kit_start_status_and_structured_findings(void);
void test_kit_expected_calls_and_their_diff(void);
void test_kit_exploration_of_a_good_c_store_passes(void);
void test_kit_exploration_finds_a_planted_bug_and_its_c_replay_fails_the_same(void);
void test_kit_explore_bad_inputs(void);

#endif

/**
 * Jobs: a declared sequence of pipeline steps (pull, mine, teacher, distill, eval, index build)
 * read from a YAML spec, checked whole before any work starts, run one step after another with
 * inputs and outputs in local files or object storage, and resumed at the first unfinished step
 * after a crash. The steps themselves come from a {@link dev.d2llm.job.StepCatalog} that the CLI
 * supplies.
 */
package dev.d2llm.job;

/** Reports of training runs: plots drawn from the metrics logs. */
package dev.d2llm.report;

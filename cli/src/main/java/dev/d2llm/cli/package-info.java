/** The {@code d2llm} command line: picocli shells that parse options and call the core. */
package dev.d2llm.cli;

/** d2llm's shared core: the whole domain, used by the CLI and the search function alike. */
package dev.d2llm;

package dev.d2llm.distill;

import dev.d2llm.student.Student;

/**
 * A worker of data-parallel distillation: a student (usually a copy of the main one on another
 * device) and the token states it reads.
 */
public record Replica(Student student, TokenStates states) {}

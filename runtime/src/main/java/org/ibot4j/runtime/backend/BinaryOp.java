package org.ibot4j.runtime.backend;

/** Elementwise binary ops on same-shape dense buffers. */
public enum BinaryOp { ADD, SUB, MUL, DIV }

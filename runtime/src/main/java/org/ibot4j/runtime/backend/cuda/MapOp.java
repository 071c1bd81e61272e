package org.ibot4j.runtime.backend.cuda;

/**
 * The element functions of the generic strided kernel {@code ibot_map} (strided.cu): {@code y = f(A, B, C)} per
 * element, with scalar parameter {@code p}. The ordinal is the kernel's op code, so the order is fixed; inputs an
 * op does not use may be null (device address 0) and are never read.
 */
public enum MapOp {
    /** A. */
    COPY,
    /** p. */
    FILL,
    /** A + p. */
    ADD_SCALAR,
    /** A * p. */
    MUL_SCALAR,
    /** exp(A). */
    EXP,
    /** log(A). */
    LOG,
    /** sqrt(A). */
    SQRT,
    /** tanh(A). */
    TANH,
    /** pow(A, p). */
    POW,
    /** A &gt; 0 ? A : 0. */
    RELU,
    /** A + B. */
    ADD,
    /** A - B. */
    SUB,
    /** A * B. */
    MUL,
    /** A / B. */
    DIV,
    /** A != 0 ? B : C. */
    WHERE,
    /** A &gt; 0 ? B : 0 (the ReLU backward: A the input, B the output gradient). */
    RELU_GRAD,
    /** B != 0 ? p : A. */
    MASKED_FILL,
    /** y + p * A: reads the output, so y must not overlap itself (no stride-0 output dims). */
    AXPY,
    /** A * A. */
    SQUARE,
    /** max(A, p), NaN when A is NaN (like torch.clamp_min). */
    MAX_SCALAR;

    /** Whether the op reads input A. */
    public boolean readsA() { return this != FILL; }

    /** Whether the op reads input B. */
    public boolean readsB() {
        return switch (this) {
            case ADD, SUB, MUL, DIV, WHERE, RELU_GRAD, MASKED_FILL -> true;
            default -> false;
        };
    }

    /** Whether the op reads input C. */
    public boolean readsC() { return this == WHERE; }
}

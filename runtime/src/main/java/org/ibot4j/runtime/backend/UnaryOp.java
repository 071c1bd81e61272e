package org.ibot4j.runtime.backend;

/** Elementwise maps a backend implements; {@code param} is the scalar of the scalar-parameterised ones. */
public enum UnaryOp {
    /** y = x + param */ ADD_SCALAR,
    /** y = x * param */ MUL_SCALAR,
    EXP, LOG, SQRT, TANH,
    /** y = x ^ param */ POW,
    RELU
}

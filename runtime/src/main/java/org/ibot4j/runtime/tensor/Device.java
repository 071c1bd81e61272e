package org.ibot4j.runtime.tensor;

/** Where a tensor's storage lives. CUDA storage is provided by the CUDA backend (not built yet). */
public enum Device { CPU, CUDA }

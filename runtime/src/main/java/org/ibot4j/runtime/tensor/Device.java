package org.ibot4j.runtime.tensor;

/** Where a tensor's storage lives: the Java heap ({@link HeapStorage}) or GPU memory ({@link DeviceStorage}). */
public enum Device { CPU, CUDA }

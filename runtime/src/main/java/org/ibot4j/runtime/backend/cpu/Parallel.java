package org.ibot4j.runtime.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU thread pool. Work is split into a fixed number of contiguous chunks that depends only on the
 * problem size and the thread setting, never on timing, so results are bit-identical run to run for the
 * same thread count.
 */
public final class Parallel {
    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        java.util.concurrent.atomic.AtomicInteger names = new java.util.concurrent.atomic.AtomicInteger();
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("ibot4j-cpu-" + names.getAndIncrement());  // the pool index is not assigned yet here
            return t;
        }, null, false);
    }

    public int threads() { return threads; }

    /** Body over a half-open range of work items. */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    /** Splits [0, n) into at most {@code threads} chunks (none smaller than {@code grain}) and runs them. */
    public void forRange(int n, int grain, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || pool == null) { if (n > 0) body.run(0, n); return; }
        forChunks(n, chunks, body);
    }

    /** Splits [0, n) into exactly {@code chunks} near-equal contiguous pieces and runs them in parallel. */
    public void forChunks(int n, int chunks, RangeBody body) {
        if (chunks <= 1 || pool == null) { if (n > 0) body.run(0, n); return; }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override protected void compute() { if (to > from) body.run(from, to); }
            };
        }
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override protected void compute() { ForkJoinTask.invokeAll(tasks); }
            });
        }
    }
}

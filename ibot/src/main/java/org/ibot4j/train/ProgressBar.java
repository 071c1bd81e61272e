package org.ibot4j.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line per-epoch progress display on stderr, redrawn in place: step, images/s, loss, lr and ETA of the
 * epoch. Redraws at most every {@code minIntervalNanos} (and always on the last step).
 */
public final class ProgressBar {
    private final PrintWriter err;
    private final int epoch, epochs, steps;
    private final long start = System.nanoTime();
    private long lastDraw;
    private final long minIntervalNanos;

    public ProgressBar(PrintWriter err, int epoch, int epochs, int steps) {
        this(err, epoch, epochs, steps, 200_000_000L);
    }

    public ProgressBar(PrintWriter err, int epoch, int epochs, int steps, long minIntervalNanos) {
        this.err = err;
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.minIntervalNanos = minIntervalNanos;
    }

    /** Reports that {@code done} steps (1-based count) have finished with {@code images} images so far. */
    public void update(int done, long images, double loss, double lr) {
        long now = System.nanoTime();
        if (done < steps && now - lastDraw < minIntervalNanos) return;
        lastDraw = now;
        err.print("\r" + render(done, images, loss, lr, (now - start) / 1e9));
        if (done >= steps) err.println();
        err.flush();
    }

    /** The text of the bar after {@code done} steps in {@code seconds}. */
    public String render(int done, long images, double loss, double lr, double seconds) {
        double ips = seconds > 0 ? images / seconds : 0;
        return String.format(Locale.ROOT, "Epoch %d/%d %s %d/%d  %.1f img/s  loss %.4f  lr %.3g  ETA %s",
                epoch + 1, epochs, bar(done, steps), done, steps, ips, loss, lr, hms(eta(done, steps, seconds)));
    }

    /** The 20-character bracketed bar of {@code done} out of {@code total} ({@code [#####...............]}). */
    public static String bar(int done, int total) {
        int width = 20, filled = total == 0 ? width : (int) ((long) width * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    /** Seconds left at the pace so far ({@code done} of {@code total} in {@code seconds}); 0 before the first. */
    public static double eta(int done, int total, double seconds) { return done > 0 ? seconds / done * (total - done) : 0; }

    /** {@code h:mm:ss} of {@code seconds}, rounded. */
    public static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}

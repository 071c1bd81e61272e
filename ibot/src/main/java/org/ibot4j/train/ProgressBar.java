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
        int width = 20, filled = steps == 0 ? width : (int) ((long) width * done / steps);
        double ips = seconds > 0 ? images / seconds : 0;
        double eta = done > 0 ? seconds / done * (steps - done) : 0;
        return String.format(Locale.ROOT, "Epoch %d/%d [%s%s] %d/%d  %.1f img/s  loss %.4f  lr %.3g  ETA %s",
                epoch + 1, epochs, "#".repeat(filled), ".".repeat(width - filled), done, steps, ips, loss, lr, hms(eta));
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}

package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

class KnnTest {
    @Test
    void weightedVotesFollowTheHandComputedAnswer() {
        // train (2-D): class 0 at angles 0° and 10°, class 1 at 80°, 90°, 100° (lengths vary: normalised away).
        float[] train = {
                2f, 0f,
                (float) Math.cos(Math.toRadians(10)), (float) Math.sin(Math.toRadians(10)),
                (float) Math.cos(Math.toRadians(80)), (float) Math.sin(Math.toRadians(80)),
                0f, 5f,
                (float) Math.cos(Math.toRadians(100)), (float) Math.sin(Math.toRadians(100))};
        int[] labels = {0, 0, 1, 1, 1};
        // query at 40°, k=3: neighbours 10° (cos 30°=0.866), 0° (cos 40°=0.766), 80° (cos 40°=0.766, later index).
        // votes: class 0 = e^(0.866/0.07)+e^(0.766/0.07), class 1 = e^(0.766/0.07) -> class 0.
        // query at 50°, k=3: 80° (cos30), 10° (cos40), 90° (cos40) -> class 1 gets two -> class 1.
        float[] test = {(float) Math.cos(Math.toRadians(40)), (float) Math.sin(Math.toRadians(40)),
                (float) Math.cos(Math.toRadians(50)), (float) Math.sin(Math.toRadians(50))};
        var r = Knn.classify(train, labels, test, new int[] {0, 0}, 2, 3, 0.07);
        assertArrayEquals(new int[] {0, 1}, r.predictions());
        assertEquals(0.5, r.top1(), 0);
        assertEquals(3, r.k());
    }

    @Test
    void temperatureDecidesBetweenOneCloseAndTwoFarNeighbours() {
        // query at 0°; class 0 at 5° (cos 0.9962), class 1 at ±30° (cos 0.8660). k=3.
        float[] train = {
                (float) Math.cos(Math.toRadians(5)), (float) Math.sin(Math.toRadians(5)),
                (float) Math.cos(Math.toRadians(30)), (float) Math.sin(Math.toRadians(30)),
                (float) Math.cos(Math.toRadians(-30)), (float) Math.sin(Math.toRadians(-30))};
        int[] labels = {0, 1, 1};
        float[] q = {1f, 0f};
        // T=0.07: e^(0.9962/0.07)=1.50e6 vs 2·e^(0.8660/0.07)=2·2.36e5=4.7e5 -> class 0.
        assertEquals(0, Knn.classify(train, labels, q, new int[] {0}, 2, 3, 0.07).predictions()[0]);
        // T=1: e^0.9962=2.71 vs 2·e^0.866=4.75 -> class 1.
        assertEquals(1, Knn.classify(train, labels, q, new int[] {0}, 2, 3, 1.0).predictions()[0]);
        // k capped at N.
        assertEquals(3, Knn.classify(train, labels, q, new int[] {0}, 2, 20, 0.07).k());
    }

    @Test
    void badInputsFailByName() {
        assertThrows(IllegalArgumentException.class, () -> Knn.classify(new float[4], new int[] {0}, new float[2], new int[] {0}, 2, 1, 0.07));
        assertThrows(IllegalArgumentException.class, () -> Knn.classify(new float[2], new int[] {0}, new float[2], new int[] {0}, 2, 0, 0.07));
    }

    @Test
    void topFiveAndVoteWeightsByHand() {
        // 1-D directions in 2-D: train at angles 0°,20°,40°,60°,80°,100° with classes 0..5; query at 45°, T=0.07.
        // k=4: neighbours 40° (cos5°), 60° (cos15°), 20° (cos25°), 80° (cos35°) → classes 2,3,1,4 in that order;
        // votes exp(cos/T) rank them 2,3,1,4 then the zero-vote classes 0 and 5 (lower class first): top-5 = {2,3,1,4,0}.
        int[] labels = {0, 1, 2, 3, 4, 5};
        float[] train = new float[12];
        for (int i = 0; i < 6; i++) {
            train[2 * i] = (float) Math.cos(Math.toRadians(20 * i));
            train[2 * i + 1] = (float) Math.sin(Math.toRadians(20 * i));
        }
        float[] q = {(float) Math.cos(Math.toRadians(45)), (float) Math.sin(Math.toRadians(45))};
        // labels 2 (top-1), 0 (5th in the ranking: a top-5 hit only when min(5,k)=5), 5 (6th: never)
        float[] test = new float[] {q[0], q[1], q[0], q[1], q[0], q[1]};
        int[] testLabels = {2, 0, 5};
        List<Knn.KResult> r = Knn.evaluate(train, labels, test, testLabels, 2, new int[] {4, 6, 1}, 0.07, 0);
        assertArrayEquals(new int[] {2, 2, 2}, r.get(0).predictions());
        assertEquals(1 / 3.0, r.get(0).top1(), 1e-12);
        assertEquals(1 / 3.0, r.get(0).top5(), 1e-12, "k=4: only the top-4 ranked classes count (min(5,k))");
        assertEquals(2 / 3.0, r.get(1).top5(), 1e-12, "k=6: ranking 2,3,1,4,0 (cos45),5 (cos55): labels 2 and 0 hit");
        assertEquals(1 / 3.0, r.get(2).top5(), 1e-12, "k=1: only the nearest class");
        // vote ties rank the lower class first
        assertArrayEquals(new int[] {1, 2, 0}, Knn.ranked(new double[] {1, 3, 3, 0}, 3));
    }

    @Test
    void gemmPathEqualsTheScalarReference() {
        Rng rng = new Rng(42);
        int n = 300, m = 57, dim = 24, classes = 7;
        float[] train = new float[n * dim], test = new float[m * dim];
        int[] tl = new int[n], ql = new int[m];
        for (int i = 0; i < n; i++) {
            tl[i] = rng.nextInt(classes);
            for (int d = 0; d < dim; d++) train[i * dim + d] = (float) (rng.nextGaussian() + (d == tl[i] ? 3 : 0));
        }
        for (int i = 0; i < m; i++) {
            ql[i] = rng.nextInt(classes);
            for (int d = 0; d < dim; d++) test[i * dim + d] = (float) (rng.nextGaussian() + (d == ql[i] ? 3 : 0));
        }
        int[] ks = {10, 20, 100, 200, 1, 500};
        for (int chunk : new int[] {0, 1, 7, 57}) {
            List<Knn.KResult> fast = Knn.evaluate(train, tl, test, ql, dim, ks, 0.07, chunk);
            for (int j = 0; j < ks.length; j++) {
                Knn.KResult ref = Knn.classifyScalar(train, tl, test, ql, dim, ks[j], 0.07);
                assertArrayEquals(ref.predictions(), fast.get(j).predictions(), "k=" + ks[j] + " chunk=" + chunk);
                assertEquals(ref.top1(), fast.get(j).top1(), 0, "top-1 k=" + ks[j]);
                assertEquals(ref.top5(), fast.get(j).top5(), 0, "top-5 k=" + ks[j]);
                assertEquals(Math.min(ks[j], n), fast.get(j).effectiveK());
            }
        }
        Knn.KResult k20 = Knn.evaluate(train, tl, test, ql, dim, new int[] {20}, 0.07, 0).get(0);
        assertTrue(k20.top1() > 0.5, "separable-ish data is mostly right: " + k20.top1());
        assertTrue(k20.top5() >= k20.top1());
    }
}

package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}

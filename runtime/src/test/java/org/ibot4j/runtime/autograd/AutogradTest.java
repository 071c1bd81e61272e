package org.ibot4j.runtime.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Behaviour of the tape: accumulation, detach, no-grad, propagation, shared inputs, retention and release. */
class AutogradTest {
    private static Tensor leaf(float... v) { return Tensor.of(v, v.length).requiresGrad(true); }

    private static void assertValues(float[] expected, Tensor t) {
        float[] a = t.toArray();
        assertEquals(expected.length, a.length);
        for (int i = 0; i < a.length; i++) assertEquals(expected[i], a[i], 1e-6, "element " + i);
    }

    @Test void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        x.mul(x).sum().backward();          // 2x
        assertValues(new float[] {2, 4, 6}, x.grad());
        x.mul(3f).sum().backward();         // + 3
        assertValues(new float[] {5, 7, 9}, x.grad());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test void detachCutsTheGraphButSharesValues() {
        Tensor x = leaf(1, 2);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        Tensor y = x.mul(d).sum();           // d treated as a constant [2, 4]
        y.backward();
        assertValues(new float[] {2, 4}, x.grad());
        Tensor xd = x.detach();
        assertSame(x.storage(), xd.storage());
    }

    @Test void noGradRecordsNothing() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (var ignored = GradMode.noGrad()) {
            y = x.mul(x).exp().sum();
            assertFalse(GradMode.isEnabled());
            try (var inner = GradMode.enableGrad()) { assertTrue(GradMode.isEnabled()); }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test void requiresGradPropagates() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2), b = leaf(3, 4);
        Tensor c = a.add(1f);
        assertFalse(c.requiresGrad());
        assertNull(c.gradFn());
        Tensor d = c.mul(b);
        assertTrue(d.requiresGrad());
        assertFalse(d.isLeaf());
        assertEquals("mul", d.gradFn().name());
        d.sum().backward();
        assertNull(a.grad());
        assertValues(new float[] {2, 3}, b.grad());
    }

    @Test void diamondGraphSumsBothPaths() {
        // y = (x·2)·(x+1): dy/dx = 2(x+1) + 2x = 4x + 2
        Tensor x = leaf(1, -2, 0.5f);
        Tensor u = x.mul(2f), v = x.add(1f);
        u.mul(v).sum().backward();
        assertValues(new float[] {6, -6, 4}, x.grad());
        // the same tensor used twice by one op
        Tensor z = leaf(3);
        z.mul(z).backward();
        assertValues(new float[] {6}, z.grad());
    }

    @Test void secondBackwardWithoutRetainThrowsClearly() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x).sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time") && e.getMessage().contains("retain"), e.getMessage());
        assertValues(new float[] {2, 4}, x.grad());  // unchanged by the failed call
        assertNull(y.grad());                         // the non-leaf root did not turn into a leaf

        // a new op on an activation of the released graph: backward must not stop there and fill its .grad
        Tensor x3 = leaf(1);
        Tensor mid = x3.mul(2f);
        Tensor top1 = mid.sum();
        Tensor top2 = mid.mul(3f).sum();
        top1.backward();
        assertThrows(IllegalStateException.class, top2::backward);
        assertNull(mid.grad());
        assertValues(new float[] {2}, x3.grad());
    }

    @Test void retainGraphAllowsASecondBackward() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x).sum();
        y.backward(null, true);
        assertFalse(y.gradFn().released());
        y.backward(null, true);
        assertValues(new float[] {4, 8}, x.grad());
        y.backward();
        assertValues(new float[] {6, 12}, x.grad());
    }

    @Test void graphIsReleasedAfterBackward() {
        Tensor x = leaf(1, 2);
        Tensor a = x.exp();
        Tensor b = a.mul(2f);
        Tensor unused = a.add(1f).sum();    // a branch of the graph the backward never reaches
        Node na = a.gradFn(), nb = b.gradFn();
        Tensor y = b.sum();
        Node ny = y.gradFn();
        y.backward();
        for (Node n : new Node[] {na, nb, ny}) {
            assertTrue(n.released(), n.name());
            assertEquals(0, n.inputs().length, n.name());  // no links back: activations can be collected
        }
        assertFalse(a.isLeaf());             // still a non-leaf, just without saved state
        assertFalse(unused.gradFn().released());
    }

    @Test void retainGradKeepsIntermediateGradient() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(3f).retainGrad();
        h.mul(h).sum().backward();
        assertValues(new float[] {6, 12}, h.grad());
        assertValues(new float[] {18, 36}, x.grad());
    }

    @Test void backwardRejectsBadSeeds() {
        Tensor x = leaf(1, 2);
        assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward());
        assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward(Tensor.ones(3)));
    }
}

package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GeluTest {
    @Test void forwardExactErfValues() {
        // x·Φ(x): Φ(1) = 0.8413447461, Φ(-1) = 0.1586552539, Φ(2) = 0.9772498681, Φ(-3) = 0.0013498980
        Tensor x = Tensor.of(new float[] {0, 1, -1, 2, -3}, 5);
        assertClose(new float[] {0, 0.8413447f, -0.1586553f, 1.9544997f, -0.0040496940f}, Gelu.gelu(x), 1e-6);
        assertClose(new float[] {0, 0.8413447f, -0.1586553f, 1.9544997f, -0.0040496940f}, F.gelu(x), 1e-6);
    }

    @Test void backwardHandComputed() {
        // GELU'(x) = Φ(x) + x·φ(x); at 1: 0.8413447 + 0.2419707 = 1.0833155
        Tensor x = Tensor.of(new float[] {0, 1}, 2).requiresGrad(true);
        Gelu.gelu(x).sum().backward();
        assertClose(new float[] {0.5f, 1.0833155f}, x.grad(), 1e-6);
    }

    @Test void grad() {
        GradCheck.of("gelu", in -> Gelu.gelu(in[0])).check(randn(1, 3, 7));
        GradCheck.of("gelu_strided", in -> Gelu.gelu(in[0].transpose(0, 1))).check(randn(2, 3, 4));
    }
}

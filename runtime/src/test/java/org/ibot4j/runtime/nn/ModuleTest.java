package org.ibot4j.runtime.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModuleTest {
    /** A ViT-like root: own parameters before children, a block list, a buffer, and a shared head layer. */
    static final class Toy extends Module {
        final ModuleList<Block> blocks = new ModuleList<>();
        final Linear head;

        Toy(boolean sharedHead, Rng rng) {
            registerParameter("cls_token", Tensor.zeros(1, 1, 8));
            registerBuffer("center", Tensor.zeros(1, 4));
            registerModule("blocks", blocks);
            blocks.add(new Block(8, 2, rng));
            blocks.add(new Block(8, 2, rng));
            registerModule("norm", new LayerNorm(8, 1e-6f));
            head = registerModule("last_layer", new Linear(8, 4, false, rng));
            registerModule("last_layer2", sharedHead ? head : new Linear(8, 4, false, rng));
        }
    }

    private static final List<String> BLOCK_KEYS = List.of("norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias",
            "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias",
            "mlp.fc2.weight", "mlp.fc2.bias");

    @Test void blockUsesTimmNamesAndShapes() {
        Block b = new Block(8, 2, new Rng(1));
        assertEquals(BLOCK_KEYS, List.copyOf(b.namedParameters().keySet()));
        assertEquals(BLOCK_KEYS, List.copyOf(b.stateDict().keySet()));
        var p = b.namedParameters();
        assertArrayEquals(new int[] {24, 8}, p.get("attn.qkv.weight").shape().dims());
        assertArrayEquals(new int[] {32, 8}, p.get("mlp.fc1.weight").shape().dims());
        assertArrayEquals(new int[] {8, 32}, p.get("mlp.fc2.weight").shape().dims());
        assertSame(b.attn().qkv().weight(), p.get("attn.qkv.weight"));
        assertFalse(new Block(8, 2, 4.0, false, 0, 0, 0, 1e-6f, new Rng(1)).namedParameters().containsKey("attn.qkv.bias"));
    }

    @Test void vitSmallBlockParameterCount() {
        // ViT-S/16 has 21,665,664 parameters: 12 blocks + patch embed (295,296) + cls (384) + pos (75,648) + norm (768)
        assertEquals((21_665_664L - 295_296 - 384 - 75_648 - 768) / 12, new Block(384, 6, new Rng(0)).parameterCount());
    }

    @Test void nestedNamesOrderAndSharedModules() {
        Toy shared = new Toy(true, new Rng(1));
        var names = List.copyOf(shared.namedParameters().keySet());
        assertEquals("cls_token", names.get(0));
        assertEquals("blocks.0.norm1.weight", names.get(1));
        assertEquals("blocks.1.mlp.fc2.bias", names.get(24));
        assertEquals(List.of("norm.weight", "norm.bias", "last_layer.weight"), names.subList(25, 28));
        assertEquals(28, names.size(), "a shared module's parameters are listed once");

        var sd = List.copyOf(shared.stateDict().keySet());
        assertEquals(List.of("cls_token", "center", "blocks.0.norm1.weight"), sd.subList(0, 3));
        assertEquals(List.of("last_layer.weight", "last_layer2.weight"), sd.subList(sd.size() - 2, sd.size()));
        assertSame(shared.stateDict().get("last_layer.weight"), shared.stateDict().get("last_layer2.weight"));
        assertEquals(List.of("center"), List.copyOf(shared.namedBuffers().keySet()));

        Toy separate = new Toy(false, new Rng(1));
        assertEquals(shared.parameterCount() + 32, separate.parameterCount());
        assertTrue(separate.namedModules().containsKey("blocks.1.attn.qkv"));
        assertSame(separate.blocks.get(1).attn(), separate.namedModules().get("blocks.1.attn"));
    }

    @Test void loadStateDictCopiesInPlaceAndKeepsIdentity() {
        Toy a = new Toy(false, new Rng(1)), b = new Toy(false, new Rng(2));
        Tensor before = b.stateDict().get("blocks.0.attn.qkv.weight");
        var res = b.loadStateDict(a.stateDict(), true);
        assertTrue(res.missingKeys().isEmpty() && res.unexpectedKeys().isEmpty());
        assertSame(before, b.stateDict().get("blocks.0.attn.qkv.weight"));
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), b.stateDict().get(k).toArray(), 0f, k));
    }

    @Test void loadStateDictSharedModuleLastNameWins() {
        // Spec 11.2: the teacher's shared last layer ends up with the student's last_layer2 values.
        Toy student = new Toy(false, new Rng(1)), teacher = new Toy(true, new Rng(2));
        teacher.loadStateDict(student.stateDict(), true);
        assertArrayEquals(student.stateDict().get("last_layer2.weight").toArray(), teacher.head.weight().tensor().toArray(), 0f);
    }

    @Test void strictLoadingListsEveryProblem() {
        Toy m = new Toy(false, new Rng(1));
        Map<String, Tensor> sd = new LinkedHashMap<>(new Toy(false, new Rng(2)).stateDict());
        sd.remove("norm.bias");
        sd.remove("blocks.1.attn.proj.weight");
        sd.put("masked_embed", Tensor.zeros(1, 8));
        var ex = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, true));
        assertTrue(ex.getMessage().contains("missing keys: blocks.1.attn.proj.weight, norm.bias"), ex.getMessage());
        assertTrue(ex.getMessage().contains("unexpected keys: masked_embed"), ex.getMessage());

        float[] untouched = m.stateDict().get("blocks.0.norm1.weight").toArray();
        var res = m.loadStateDict(sd, false);
        assertEquals(List.of("blocks.1.attn.proj.weight", "norm.bias"), res.missingKeys());
        assertEquals(List.of("masked_embed"), res.unexpectedKeys());
        assertArrayEquals(sd.get("blocks.0.norm1.weight").toArray(), m.stateDict().get("blocks.0.norm1.weight").toArray(), 0f);
        assertEquals(untouched.length, 8);

        sd.put("blocks.0.attn.qkv.weight", Tensor.zeros(8, 8));
        var shape = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, false));
        assertTrue(shape.getMessage().contains("size mismatch: blocks.0.attn.qkv.weight (checkpoint [8, 8], model [24, 8])"), shape.getMessage());
    }

    @Test void trainEvalPropagatesAndFreezingAffectsTrainableView() {
        Toy m = new Toy(false, new Rng(1));
        assertTrue(m.blocks.get(1).dropPath().isTraining());
        m.eval();
        assertFalse(m.isTraining());
        assertFalse(m.blocks.get(1).attn().qkv().isTraining());
        m.train();
        assertTrue(m.blocks.get(0).mlp().isTraining());

        assertEquals(m.parameterCount(), m.trainableParameterCount());
        m.blocks.get(0).setTrainable(false);
        assertEquals(m.parameterCount() - m.blocks.get(0).parameterCount(), m.trainableParameterCount());
        assertFalse(m.trainableTensors().containsKey("blocks.0.norm1.weight"));
        assertTrue(m.trainableTensors().containsKey("blocks.1.norm1.weight"));
    }

    @Test void zeroGradClearsGradients() {
        Block b = new Block(8, 2, new Rng(1));
        for (Parameter p : b.parameters()) p.tensor().setGrad(Tensor.ones(p.shape().dims()));
        b.zeroGrad();
        for (Parameter p : b.parameters()) assertNull(p.grad());
    }

    @Test void registrationRejectsBadNames() {
        Module m = new Module() {
            {
                registerParameter("w", Tensor.zeros(2));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("w", Tensor.zeros(2)));
                assertThrows(IllegalArgumentException.class, () -> registerModule("a.b", new Identity()));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("", Tensor.zeros(1)));
            }
        };
        assertEquals(2, m.parameterCount());
        var ex = assertThrows(IllegalArgumentException.class, () -> m.child("nope"));
        assertTrue(ex.getMessage().contains("nope"));
    }

    @Test void sequentialNamesByPosition() {
        Rng rng = new Rng(3);
        Sequential mlp = new Sequential(new Linear(4, 6, true, rng), new Gelu(), new Linear(6, 6, true, rng), new Gelu(), new Linear(6, 2, true, rng));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), List.copyOf(mlp.stateDict().keySet()));
        assertArrayEquals(new int[] {3, 2}, mlp.forward(Tensor.ones(3, 4)).dims());
    }
}

package org.ibot4j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Layer-wise learning-rate decay for fine-tuning (spec 9.4, the BEiT recipe): every parameter gets a layer id,
 * and its group's learning rate is {@code lr · ld^(depth+1−id)}, so the classifier and final norm train at the
 * full rate and each block below at {@code ld} times the one above.
 *
 * <p>Layer ids, read from the reference parameter names alone (no model needed):
 * <ul>
 *   <li>ViT ({@code blocks.i.*}): {@code cls_token}, {@code pos_embed}, {@code masked_embed}/{@code mask_token},
 *       {@code patch_embed.*} → 0; {@code blocks.i.*} → {@code i+1}; everything else (final {@code norm},
 *       {@code head}) → {@code depth+1}, with {@code depth} the number of blocks.</li>
 *   <li>Swin ({@code layers.s.blocks.b.*}): blocks are counted across stages in order, so block {@code b} of
 *       stage {@code s} → {@code depths[0]+…+depths[s−1] + b + 1}; {@code layers.s.downsample.*} (the patch
 *       merging at the end of stage {@code s}) → {@code depths[0]+…+depths[s]}, the id of that stage's last block
 *       (the SimMIM/Swin fine-tuning convention); {@code patch_embed.*}, {@code absolute_pos_embed}, mask token → 0;
 *       the rest → {@code depth+1} with {@code depth = Σ depths}. Stage depths are inferred from the names.</li>
 * </ul>
 *
 * <p>Weight decay (spec 9.4): none for biases, 1-D tensors, {@code pos_embed}, {@code cls_token}, and also the
 * mask token, Swin's {@code absolute_pos_embed} and {@code relative_position_bias_table}s (timm's
 * {@code no_weight_decay} lists); everything else gets {@code weightDecay}.
 *
 * <p>Groups are created in order of first appearance over the parameters, named {@code layer_<id>_decay} /
 * {@code layer_<id>_no_decay} like the reference, which fixes the optimiser-state index order.
 */
public final class LayerDecay {
    private LayerDecay() {}

    /** An optimiser group with its layer id and LR multiplier ({@code lr_scale}). */
    public record Group(String name, int layerId, double lrScale, boolean decayed, ParamGroup params) {}

    /**
     * The block structure of a set of parameter names: blocks per stage (one stage for ViT).
     *
     * @param stageDepths blocks of each stage, in order
     * @param swin        whether the names use Swin's {@code layers.s.blocks.b} form
     */
    public record Structure(int[] stageDepths, boolean swin) {
        /** Total blocks over all stages. */
        public int depth() {
            int d = 0;
            for (int s : stageDepths) d += s;
            return d;
        }

        /** Blocks before stage {@code s}. */
        int before(int s) {
            int d = 0;
            for (int i = 0; i < s && i < stageDepths.length; i++) d += stageDepths[i];
            return d;
        }
    }

    /** Infers the structure: the highest block index per stage ({@code blocks.i} or {@code layers.s.blocks.b}). */
    public static Structure structure(Iterable<String> names) {
        TreeMap<Integer, Integer> swin = new TreeMap<>();
        int vit = 0;
        for (String n : names) {
            String[] p = n.split("\\.");
            if (p.length > 2 && p[0].equals("blocks") && isInt(p[1])) vit = Math.max(vit, Integer.parseInt(p[1]) + 1);
            else if (p.length > 3 && p[0].equals("layers") && isInt(p[1])) {
                int s = Integer.parseInt(p[1]);
                swin.merge(s, 0, Math::max);
                if (p[2].equals("blocks") && isInt(p[3])) swin.merge(s, Integer.parseInt(p[3]) + 1, Math::max);
            }
        }
        if (!swin.isEmpty()) {
            if (vit > 0) throw new IllegalArgumentException("parameter names mix ViT 'blocks.i' and Swin 'layers.s' keys");
            int[] depths = new int[swin.lastKey() + 1];
            swin.forEach((s, d) -> depths[s] = d);
            return new Structure(depths, true);
        }
        return new Structure(new int[] {vit}, false);
    }

    /** The layer id of parameter {@code name} (see the class comment). */
    public static int layerId(String name, Structure s) {
        int top = s.depth() + 1;
        if (name.equals("cls_token") || name.equals("pos_embed") || name.equals("absolute_pos_embed")
                || name.equals("masked_embed") || name.equals("mask_token") || name.startsWith("patch_embed.")) return 0;
        String[] p = name.split("\\.");
        if (!s.swin() && p.length > 2 && p[0].equals("blocks") && isInt(p[1])) return Integer.parseInt(p[1]) + 1;
        if (s.swin() && p.length > 3 && p[0].equals("layers") && isInt(p[1])) {
            int stage = Integer.parseInt(p[1]);
            if (p[2].equals("blocks") && isInt(p[3])) return s.before(stage) + Integer.parseInt(p[3]) + 1;
            if (p[2].equals("downsample")) return s.before(stage + 1);
        }
        return top;
    }

    /** The LR multiplier of layer {@code id}: {@code ld^(depth+1−id)}. */
    public static double scale(int id, int depth, double layerDecay) { return Math.pow(layerDecay, depth + 1 - id); }

    /** True when {@code name} takes no weight decay (biases, 1-D tensors, position/class/mask tokens, bias tables). */
    public static boolean noWeightDecay(String name, Tensor t) {
        return t.rank() <= 1 || name.endsWith(".bias") || name.equals("pos_embed") || name.equals("cls_token")
                || name.equals("masked_embed") || name.equals("mask_token") || name.equals("absolute_pos_embed")
                || name.endsWith("relative_position_bias_table");
    }

    /**
     * The optimiser groups of {@code params} (reference names, in order): one per (layer id, decayed or not), with
     * weight decay {@code weightDecay} or 0 and learning rate {@code baseLr · scale}.
     */
    public static List<Group> groups(Map<String, Tensor> params, double layerDecay, double weightDecay, double baseLr) {
        if (!(layerDecay > 0 && layerDecay <= 1)) throw new IllegalArgumentException("--layer_decay must be in (0, 1], got " + layerDecay);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight_decay must be >= 0, got " + weightDecay);
        Structure s = structure(params.keySet());
        LinkedHashMap<String, List<ParamGroup.Entry>> members = new LinkedHashMap<>();
        LinkedHashMap<String, int[]> info = new LinkedHashMap<>();
        params.forEach((name, t) -> {
            int id = layerId(name, s);
            boolean decay = !noWeightDecay(name, t);
            String g = "layer_" + id + (decay ? "_decay" : "_no_decay");
            members.computeIfAbsent(g, k -> new ArrayList<>()).add(new ParamGroup.Entry(name, t));
            info.putIfAbsent(g, new int[] {id, decay ? 1 : 0});
        });
        List<Group> out = new ArrayList<>();
        members.forEach((g, list) -> {
            int id = info.get(g)[0];
            boolean decay = info.get(g)[1] == 1;
            double sc = scale(id, s.depth(), layerDecay);
            out.add(new Group(g, id, sc, decay, new ParamGroup(list, baseLr * sc, decay ? weightDecay : 0.0)));
        });
        return out;
    }

    /** The {@link ParamGroup}s of {@code groups}, in order (for the optimiser). */
    public static List<ParamGroup> paramGroups(List<Group> groups) {
        List<ParamGroup> out = new ArrayList<>(groups.size());
        for (Group g : groups) out.add(g.params());
        return out;
    }

    private static boolean isInt(String s) {
        if (s.isEmpty() || s.length() > 9) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return true;
    }
}

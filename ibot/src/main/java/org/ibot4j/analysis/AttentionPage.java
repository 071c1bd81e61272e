package org.ibot4j.analysis;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ibot4j.data.RgbImage;

/**
 * Writes the attention visualisation of one image into a folder: {@code img.png}, per head {@code attn-head{i}.png}
 * (viridis heat map) and {@code mask-th{t}-head{i}.png} (kept mass over the image), {@code attn-color.png} (the
 * composite of heads 0–5), {@code attn.png} (image, composite and every head side by side, as the reference's
 * summary figure), {@code attention.html} (self-contained, every PNG inlined) and {@code attention.json}.
 */
public final class AttentionPage {
    private AttentionPage() {}

    /** Composite heads: the first six, as the reference figure. */
    public static final int COMPOSITE_HEADS = 6;

    /**
     * Renders {@code maps} (on a grid of {@code stride}-pixel cells covering {@code img}) with the mass
     * {@code threshold}; returns the JSON summary it wrote.
     */
    public static Map<String, Object> write(RgbImage img, AttentionMaps.Maps maps, int stride, double threshold, Path dir, String title) throws IOException {
        int w = maps.gw() * stride, h = maps.gh() * stride;
        if (img.width() != w || img.height() != h)
            throw new IllegalArgumentException("image is " + img.width() + "x" + img.height() + " but the attention grid covers " + w + "x" + h);
        String th = String.format(Locale.ROOT, "%.2f", threshold);
        HtmlPage page = new HtmlPage("Attention maps: " + title);
        List<String> files = new ArrayList<>();
        byte[] imgPng = PngWriter.write(Images.toBuffered(img), dir.resolve("img.png"));
        files.add("img.png");

        int heads = maps.heads(), shown = Math.min(COMPOSITE_HEADS, heads);
        float[][] up = new float[heads][], masks = new float[heads][];
        List<Integer> kept = new ArrayList<>();
        List<byte[]> heat = new ArrayList<>(), over = new ArrayList<>();
        List<BufferedImage> strip = new ArrayList<>();
        for (int i = 0; i < heads; i++) {
            boolean[] keep = AttentionMaps.threshold(maps.values()[i], threshold);
            int n = 0;
            for (boolean k : keep) if (k) n++;
            kept.add(n);
            up[i] = AttentionMaps.upsampleNearest(maps.values()[i], maps.gh(), maps.gw(), stride);
            masks[i] = AttentionMaps.upsampleNearest(AttentionMaps.asFloats(keep), maps.gh(), maps.gw(), stride);
            String hf = "attn-head" + i + ".png", mf = "mask-th" + th + "-head" + i + ".png";
            BufferedImage hm = Images.heatmap(up[i], w, h);
            strip.add(hm);
            heat.add(PngWriter.write(hm, dir.resolve(hf)));
            over.add(PngWriter.write(Images.maskOverlay(img, masks[i], Images.HEAD_COLORS[i % Images.HEAD_COLORS.length]), dir.resolve(mf)));
            files.add(hf);
            files.add(mf);
        }
        float[][] thresholded = new float[shown][];
        for (int i = 0; i < shown; i++) {
            thresholded[i] = new float[up[i].length];
            for (int j = 0; j < up[i].length; j++) thresholded[i][j] = up[i][j] * masks[i][j];
        }
        BufferedImage color = Images.composite(img, AttentionMaps.compositeIntensities(thresholded));
        byte[] colorPng = PngWriter.write(color, dir.resolve("attn-color.png"));
        files.add("attn-color.png");
        strip.add(0, color);
        strip.add(0, Images.toBuffered(img));
        PngWriter.write(Images.sideBySide(strip.toArray(BufferedImage[]::new)), dir.resolve("attn.png"));
        files.add("attn.png");

        int cell = Math.min(w, 240);
        page.section("Input and composite", "Last-layer CLS attention of " + heads + " heads on a " + maps.gh() + "x" + maps.gw()
                + " grid; composite of heads 0-" + (shown - 1) + " (each pixel coloured by the head with the largest attention inside its "
                + th + "-mass mask).");
        page.image("input", imgPng, cell).image("composite heads 0-" + (shown - 1), colorPng, cell);
        page.section("Per-head attention", "viridis, scaled per head");
        for (int i = 0; i < heads; i++) page.image("head " + i, heat.get(i), cell);
        page.section("Per-head masks", "smallest set of patches holding " + th + " of the head's attention mass");
        for (int i = 0; i < heads; i++) page.image("head " + i + " (" + kept.get(i) + " patches)", over.get(i), cell);
        page.write(dir.resolve("attention.html"));
        files.add("attention.html");

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("image", title);
        json.put("heads", heads);
        json.put("grid", List.of(maps.gh(), maps.gw()));
        json.put("patch_size", stride);
        json.put("threshold", threshold);
        json.put("kept_patches", kept);
        json.put("composite_heads", shown);
        json.put("files", files);
        Json.save(dir.resolve("attention.json"), json);
        return json;
    }
}

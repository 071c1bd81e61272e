package org.ibot4j.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML page of captioned images: every PNG is inlined as a base64 {@code data:} URI, so the page
 * can be moved or mailed without its folder.
 */
public final class HtmlPage {
    private final String title;
    private final List<String> parts = new ArrayList<>();

    public HtmlPage(String title) { this.title = title; }

    /** A heading followed by free text (escaped). */
    public HtmlPage section(String heading, String text) {
        parts.add("<h2>" + escape(heading) + "</h2>" + (text == null || text.isEmpty() ? "" : "<p>" + escape(text) + "</p>"));
        return this;
    }

    /** A captioned image (PNG bytes inlined); {@code width} in CSS pixels, or ≤ 0 for the natural size. */
    public HtmlPage image(String caption, byte[] png, int width) {
        parts.add("<figure><img src=\"" + PngWriter.dataUri(png) + "\"" + (width > 0 ? " width=\"" + width + "\"" : "")
                + " alt=\"" + escape(caption) + "\"><figcaption>" + escape(caption) + "</figcaption></figure>");
        return this;
    }

    /** A link to another page (relative href). */
    public HtmlPage link(String text, String href) {
        parts.add("<p><a href=\"" + escape(href) + "\">" + escape(text) + "</a></p>");
        return this;
    }

    /** The page's HTML text. */
    public String render() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font-family:sans-serif;background:#fafafa}"
                        + "figure{display:inline-block;margin:6px;text-align:center}img{image-rendering:pixelated;border:1px solid #ccc}"
                        + "figcaption{font-size:12px}</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
        for (String p : parts) sb.append(p).append('\n');
        return sb.append("</body></html>\n").toString();
    }

    /** Writes the page (UTF-8). */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

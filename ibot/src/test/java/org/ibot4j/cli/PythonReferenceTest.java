package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PythonReferenceTest {
    @Test void comparisonReadsTheScriptsFigure() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
        try {
            assertEquals(" torch=30.0 ms speedup=1.50",
                    PythonReference.comparison("torch_swin_ms=30.00 threads=2 params=10 torch=1.13\n", "torch_swin_ms", 20));
            assertEquals(" torch=n/a (torch failed: boom)", PythonReference.comparison("torch failed: boom\n", "torch_block_ms", 20));
            assertEquals(" torch=n/a (no python3 with torch)", PythonReference.comparison(null, "torch_block_ms", 20));
            assertEquals(" torch=n/a (no python3 with torch)", PythonReference.unavailable(null));
        } finally {
            Locale.setDefault(saved);
        }
    }
}

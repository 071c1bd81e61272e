package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.runtime.backend.DeviceSelection;
import org.ibot4j.runtime.tensor.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
    @Test void cpuIsAlwaysAvailable() {
        var c = DeviceSelection.choose("cpu");
        assertEquals(Device.CPU, c.device());
        assertEquals("device: cpu (requested)", c.line());
    }

    @Test void autoFallsBackToCpuWithTheReasonOrPicksCuda() {
        var c = DeviceSelection.choose(null);
        if (Cuda.available()) {
            assertEquals(Device.CUDA, c.device());
            assertTrue(c.line().startsWith("device: cuda ("), c.line());
        } else {
            assertEquals(Device.CPU, c.device());
            assertEquals("device: cpu (CUDA unavailable: " + Cuda.unavailableReason() + ")", c.line());
            var e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.choose("cuda"));
            assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
        }
    }

    @Test void unknownDeviceIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.choose("tpu"));
        assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    }

    @Test void gemmPrecisionSettingIsValidated() {
        String old = System.getProperty("ibot4j.cuda.gemm");
        try {
            System.setProperty("ibot4j.cuda.gemm", "bf16");
            assertSame(GemmPrecision.BF16, GemmPrecision.fromSetting());
            System.setProperty("ibot4j.cuda.gemm", "fp8");
            assertThrows(IllegalArgumentException.class, GemmPrecision::fromSetting);
        } finally {
            if (old == null) System.clearProperty("ibot4j.cuda.gemm");
            else System.setProperty("ibot4j.cuda.gemm", old);
        }
    }
}

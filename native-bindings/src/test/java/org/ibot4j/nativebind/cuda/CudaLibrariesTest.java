package org.ibot4j.nativebind.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaLibrariesTest {
    @TempDir Path root;

    private Path touch(String rel) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not really a library");
        return p;
    }

    @Test void searchOrderIsSettingThenCudaHomeThenPipWheelsCu13First() throws IOException {
        Path setting = Files.createDirectories(root.resolve("mine"));
        Path cudaHome = Files.createDirectories(root.resolve("cuda/lib64")).getParent();
        Path site = root.resolve("venv/lib/python3.12/site-packages");
        Path cu13 = Files.createDirectories(site.resolve("nvidia/cu13/lib"));
        Path cublas = Files.createDirectories(site.resolve("nvidia/cublas/lib"));
        Path nvrtc = Files.createDirectories(site.resolve("nvidia/cuda_nvrtc/lib"));
        Path dist = Files.createDirectories(root.resolve("usr/lib/python3/dist-packages/nvidia/cufft/lib"));
        var s = new CudaLibraries.Settings(setting + ":" + root.resolve("missing"), cudaHome.toString(),
                List.of(root.resolve("venv"), root.resolve("usr")), "");
        List<Path> dirs = CudaLibraries.searchDirs(s);
        assertEquals(setting, dirs.get(0));
        assertEquals(cudaHome.resolve("lib64"), dirs.get(1));
        int iCu13 = dirs.indexOf(cu13), iCublas = dirs.indexOf(cublas), iNvrtc = dirs.indexOf(nvrtc);
        assertTrue(iCu13 > 1 && iCu13 < iCublas && iCu13 < iNvrtc, dirs.toString());
        assertTrue(dirs.contains(dist), "python3/dist-packages is searched: " + dirs);
        assertFalse(dirs.contains(root.resolve("missing")), "folders that do not exist are dropped");
    }

    @Test void candidatesPreferNewerVersionsAndFoldersInOrderThenLdCacheThenSonames() throws IOException {
        Path a = touch("a/libcublas.so.12");
        Path a13 = touch("a/libcublas.so.13");
        Path b = touch("b/libcublas.so.13");
        touch("b/libcublasLt.so.13");
        String ld = """
                \tlibcublas.so.12 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcublas.so.12
                \tlibcublasLt.so.12 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcublasLt.so.12
                \tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1
                """;
        List<String> c = CudaLibraries.candidates(CudaLibraries.Library.CUBLAS,
                List.of(root.resolve("a"), root.resolve("b")), ld);
        assertEquals(List.of(a13.toString(), a.toString(), b.toString(),
                "/usr/lib/x86_64-linux-gnu/libcublas.so.12", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11"), c);
    }

    @Test void ldconfigParsingMatchesExactNamesAndSkipsStubs() {
        String ld = """
                1234 libs found in cache `/etc/ld.so.cache'
                \tlibnvrtc.so.13 (libc6,x86-64) => /opt/x/libnvrtc.so.13
                \tlibnvrtc-builtins.so.13.0 (libc6,x86-64) => /opt/x/libnvrtc-builtins.so.13.0
                \tlibcuda.so.1 (libc6,x86-64) => /usr/local/cuda/lib64/stubs/libcuda.so.1
                \tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1
                """;
        assertEquals(List.of("/opt/x/libnvrtc.so.13"), CudaLibraries.parseLdconfig(ld, "libnvrtc.so.13"));
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"), CudaLibraries.parseLdconfig(ld, "libcuda.so.1"));
        assertTrue(CudaLibraries.parseLdconfig("", "libcuda.so.1").isEmpty());
    }

    @Test void aLibraryThatIsNowhereIsReportedNotThrown() throws IOException {
        Path fake = touch("fake/libnvrtc.so.13");
        var s = new CudaLibraries.Settings(root.resolve("fake").toString(), null, List.of(), "");
        assertEquals(fake.toString(), CudaLibraries.candidates(CudaLibraries.Library.NVRTC,
                CudaLibraries.searchDirs(s), "").getFirst());
        // a library name no system has: the lookup answers empty with the names it tried and the setting to use
        CudaLibraries.Lookup l = new CudaLibraries.Lookup(CudaLibraries.Library.NVRTC, java.util.Optional.empty(),
                List.of("a", "b"));
        assertTrue(l.describe().contains("not found") && l.describe().contains(CudaLibraries.LIBDIR_PROPERTY), l.describe());
        var empty = new CudaLibraries.Settings(root.resolve("nothing").toString(), null, List.of(), "");
        CudaLibraries.Lookup driver = CudaLibraries.load(CudaLibraries.Library.DRIVER, empty);
        assertEquals(List.of("libcuda.so.1", "libcuda.so"), driver.tried());
    }

    @Test void driverLookupNeverSearchesTheStubFolder() throws IOException {
        touch("cuda/lib64/stubs/libcuda.so");
        var s = new CudaLibraries.Settings(null, root.resolve("cuda").toString(), List.of(), "");
        for (String c : CudaLibraries.candidates(CudaLibraries.Library.DRIVER, CudaLibraries.searchDirs(s), ""))
            assertFalse(c.contains("/stubs/"), c);
    }
}

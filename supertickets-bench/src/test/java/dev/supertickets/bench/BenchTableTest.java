package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTableTest {

    private static StepBenchmark.Result ms(String name, double... samples) {
        return StepBenchmark.Result.of(name, 3, 128, samples);
    }

    @Test
    void speedUpIsPeerOverOursOnMedians() {
        BenchTable.Row row = new BenchTable.Row("net2", ms("ours", 400, 500, 600), ms("peer", 900, 1000, 1100), null);
        assertEquals(2.0, row.speedUp(), 1e-12);
        assertTrue(Double.isNaN(new BenchTable.Row("net2", null, ms("peer", 900), "").speedUp()));
    }

    @Test
    void writesMarkdownAndJsonWithPendingSide(@TempDir Path dir) throws Exception {
        BenchTable table = new BenchTable("t")
                .env("OMP_NUM_THREADS", "1")
                .env("quote \"and\\ backslash", null)
                .add(new BenchTable.Row("net2 | batch 128", null, ms("peer", 880, 900), "SuperTickets-J pending"));
        table.write(dir);
        String md = Files.readString(dir.resolve(BenchTable.MARKDOWN_FILE));
        String json = Files.readString(dir.resolve(BenchTable.JSON_FILE));
        assertTrue(md.contains("| net2 \\| batch 128 | pending | 890.0 / 890.0 / 880.0 |"), md);
        assertTrue(md.contains("| OMP_NUM_THREADS | 1 |"), md);
        assertTrue(json.contains("\"ours\": null"), json);
        assertTrue(json.contains("\"medianMs\": 890.000"), json);
        assertTrue(json.contains("\"speedUp\": null"), json);
        assertTrue(json.contains("\"quote \\\"and\\\\ backslash\": \"unset\""), json);
    }

    @Test
    void optionsParseFlagsAndRejectUnknown() {
        BenchMain.Options o = BenchMain.Options.parse(
                new String[] {"--steps", "7", "--warmup", "1", "--only", "peer", "--rows", "net2, net1"});
        assertEquals(7, o.steps());
        assertEquals(1, o.warmup());
        assertEquals("peer", o.only());
        assertEquals(List.of("net2", "net1"), o.rowPrefixes());
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--only", "x"}));
    }
}

package dev.supertickets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ArchiveTest {
  @TempDir Path dir;

  @BeforeAll
  static void backend() {
    Backend.init();
  }

  private static Archive sample() {
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put("meta.json", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
    e.put("w.npy", Npy.write(Tensors.gaussian(new SplittableRandom(1), 1, DataType.FLOAT, 3, 4)));
    return new Archive("ticket", 1, e);
  }

  @Test
  void roundTripsEntriesAndNpyArrays() throws Exception {
    Path f = dir.resolve("t.stkt");
    sample().write(f);
    Archive a = Archive.read(f, "ticket", 1);
    assertThat(a.entries().keySet()).containsExactly("meta.json", "w.npy");
    INDArray w = Npy.read(a.entry("w.npy", f), f, "w.npy");
    assertThat(w).isEqualTo(Tensors.gaussian(new SplittableRandom(1), 1, DataType.FLOAT, 3, 4));
    assertThat(Npy.read(Npy.write(w.castTo(DataType.DOUBLE).reshape(12)), f, "v").shape()).containsExactly(12L);
  }

  @Test
  void writesAtomicallyAndKeepsThePreviousVersion() throws Exception {
    Path f = dir.resolve("t.stkt");
    sample().write(f);
    byte[] first = Files.readAllBytes(f);
    new Archive("ticket", 1, Map.of("x", new byte[] {1})).write(f);
    assertThat(Files.readAllBytes(f.resolveSibling("t.stkt.prev"))).isEqualTo(first);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("t.stkt", "t.stkt.prev");
    }
  }

  @Test
  void refusesNewerVersionsForeignKindsAndForeignFiles() throws Exception {
    Path f = dir.resolve("t.stkt");
    new Archive("ticket", 7, Map.of()).write(f);
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1)).isInstanceOf(FileFormatException.class)
        .hasMessageContaining("t.stkt").hasMessageContaining("version 7").hasMessageContaining("reads (version 1)")
        .hasMessageContaining("newer SuperTickets-J");
    new Archive("checkpoint", 1, Map.of()).write(f);
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1)).isInstanceOf(FileFormatException.class)
        .hasMessageContaining("is a checkpoint file");
    Files.writeString(f, "hello");
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1)).isInstanceOf(FileFormatException.class)
        .hasMessageContaining("t.stkt");
  }

  @Property(tries = 60)
  void truncatedOrFlippedFilesAreRefusedWithTheDocumentedException(@ForAll @IntRange(min = 0, max = 100000) int pos,
      @ForAll boolean truncate, @ForAll @IntRange(min = 1, max = 255) int xor) throws Exception {
    Backend.init();
    Path f = Files.createTempFile("fuzz", ".stkt");
    try {
      sample().write(f);
      byte[] b = Files.readAllBytes(f);
      int p = pos % b.length;
      if (truncate) {
        b = java.util.Arrays.copyOf(b, p);
      } else {
        b[p] ^= (byte) xor;
      }
      Files.write(f, b);
      try {
        Archive a = Archive.read(f, "ticket", 1);
        // a flip the ZIP layer tolerates (e.g. in a timestamp) must leave every checksummed byte intact
        assertThat(a.entry("w.npy", f)).isEqualTo(sample().entries().get("w.npy"));
        assertThat(a.entry("meta.json", f)).isEqualTo(sample().entries().get("meta.json"));
      } catch (FileFormatException expected) {
        assertThat(expected.getMessage()).contains(f.getFileName().toString());
      }
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".prev"));
    }
  }
}

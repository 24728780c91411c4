package dev.supertickets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.ticket.SuperTicket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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
    assertThat(Npy.read(Npy.write(w.castTo(DataType.DOUBLE).reshape(12)), f, "v").shape())
        .containsExactly(12L);
  }

  @Test
  void writesAtomicallyAndKeepsThePreviousVersion() throws Exception {
    Path f = dir.resolve("t.stkt");
    sample().write(f);
    byte[] first = Files.readAllBytes(f);
    new Archive("ticket", 1, Map.of("x", new byte[] {1})).write(f);
    assertThat(Files.readAllBytes(f.resolveSibling("t.stkt.prev"))).isEqualTo(first);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("t.stkt", "t.stkt.prev");
    }
  }

  @Test
  void refusesNewerVersionsForeignKindsAndForeignFiles() throws Exception {
    Path f = dir.resolve("t.stkt");
    new Archive("ticket", 7, Map.of()).write(f);
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("t.stkt")
        .hasMessageContaining("version 7")
        .hasMessageContaining("reads (version 1)")
        .hasMessageContaining("newer SuperTickets-J");
    new Archive("checkpoint", 1, Map.of()).write(f);
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("is a checkpoint file");
    Files.writeString(f, "hello");
    assertThatThrownBy(() -> Archive.read(f, "ticket", 1))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("t.stkt");
  }

  @Test
  void readsOtherKindsSuchAsCheckpoints() throws Exception {
    Path f = dir.resolve("run.ckpt");
    new Archive("checkpoint", 3, Map.of("state.json", "{}".getBytes(StandardCharsets.UTF_8)))
        .write(f);
    Archive a = Archive.read(f, "checkpoint", 3);
    assertThat(a.kind()).isEqualTo("checkpoint");
    assertThat(a.version()).isEqualTo(3);
    assertThatThrownBy(() -> Archive.read(f, "checkpoint", 2))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("checkpoint format version 3")
        .hasMessageContaining("versions 1 to 2");
  }

  @Test
  void readsEarlyFilesWrittenBeforeTheWholeFileChecksum() throws Exception {
    Path f = dir.resolve("early.stkt");
    Files.write(f, ReaderFuzzProperties.legacyBytes(sample()));
    Archive a = Archive.read(f, "ticket", 1);
    assertThat(a.entries().keySet()).containsExactly("meta.json", "w.npy");
    assertThat(a.entry("w.npy", f)).isEqualTo(sample().entries().get("w.npy"));
  }

  /**
   * A later version may change the archive comment after its version: still refused as newer, not
   * as foreign.
   */
  @Test
  void namesTheNewerVersionWhateverFollowsItInTheComment() throws Exception {
    Path f = dir.resolve("future.stkt");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setComment(Archive.MAGIC + " ticket v2 blake3 0123");
      zip.putNextEntry(new ZipEntry("ticket.cbor"));
      zip.write(new byte[] {1, 2, 3});
    }
    Files.write(f, bytes.toByteArray());
    assertThatThrownBy(() -> SuperTicket.load(f))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("future.stkt")
        .hasMessageContaining("ticket format version 2")
        .hasMessageContaining("reads (version 1)")
        .hasMessageContaining("newer SuperTickets-J");
  }

  @Property(tries = 60)
  void truncatedOrFlippedFilesAreRefusedWithTheDocumentedException(
      @ForAll @IntRange(min = 0, max = 100000) int pos,
      @ForAll boolean truncate,
      @ForAll @IntRange(min = 1, max = 255) int xor)
      throws Exception {
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
      // the whole-file checksum leaves no byte unguarded, ZIP headers and directory included
      assertThatThrownBy(() -> Archive.read(f, "ticket", 1))
          .isInstanceOf(FileFormatException.class)
          .hasMessageContaining(f.getFileName().toString());
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".prev"));
    }
  }
}

package dev.supertickets.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.Recipe;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.sparse.DstDrawer;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cells as data, grids, and a cell's run into a folder: done cells are skipped, a cell whose
 * earlier attempt died resumes from its checkpoints to the ticket an unbroken draw gives, and the
 * table has one row a cell.
 */
@Tag("slow")
class SweepTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  static SweepCell cell(String method, double sparsity, long seed) {
    return new SweepCell(
        method, sparsity, seed, 2, "tiny28", "standard", SweepCell.EMBEDDED, 512, 200);
  }

  @Test
  void cellsRoundTripThroughJsonAndRefuseBadValuesNamingTheFix() {
    SweepCell c = cell("rigl+sup", 0.9, 7);
    assertThat(SweepCell.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.id()).isEqualTo("rigl_sup-0.900-seed7");
    assertThatThrownBy(() -> cell("lottery", 0.9, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown method lottery")
        .hasMessageContaining("supertickets");
    assertThatThrownBy(() -> cell("dense", 0.9, 1)).hasMessageContaining("give it sparsity 0");
    assertThatThrownBy(
            () -> new SweepCell("gmp", 0.9, 1, 2, "tiny29", "standard", "embedded", 0, 0))
        .hasMessageContaining("unknown space tiny29")
        .hasMessageContaining("tiny28");
  }

  @Test
  void aGridSpansMethodsSparsitiesAndSeedsAndIsCheckedBeforeAnyCellRuns() {
    SweepGrid grid =
        SweepGrid.fromJson(
            "{\"methods\": [\"dense\", \"gmp\"], \"sparsities\": [0.5, 0.9], \"seeds\": [1, 2],"
                + " \"epochs\": 2, \"space\": \"tiny28\", \"data\": \"embedded\"}");
    assertThat(grid.cells())
        .extracting(SweepCell::id)
        .containsExactly(
            "dense-0.000-seed1",
            "dense-0.000-seed2",
            "gmp-0.500-seed1",
            "gmp-0.500-seed2",
            "gmp-0.900-seed1",
            "gmp-0.900-seed2");
    SweepGrid.check(grid.cells());
    SweepCell missing =
        new SweepCell("gmp", 0.5, 2, 2, "tiny28", "standard", "/nonexistent/fashion", 0, 0);
    assertThatThrownBy(() -> SweepGrid.check(List.of(cell("gmp", 0.5, 1), missing)))
        .hasMessageContaining(
            "cell gmp-0.500-seed2: data folder /nonexistent/fashion does not exist")
        .hasMessageContaining("embedded");
    assertThatThrownBy(() -> SweepGrid.check(List.of(cell("gmp", 0.5, 1), cell("gmp", 0.5, 1))))
        .hasMessageContaining("appears twice");
  }

  /**
   * Cells of the other methods resume too: a RigL draw through its drawer's checkpoint folder, and
   * search, prune, then retrain through the stages of its progress folder (killed in its search).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rigl", "search+magnitude+retrain"})
  void aDeadAttemptOfAnyMethodResumesToTheSameTicket(
      String method, @TempDir Path dir, @TempDir Path clean) throws Exception {
    SweepCell c = cell(method, 0.7, 3);
    Path folder = dir.resolve(CellRun.CHECKPOINTS).resolve(c.id());
    SweepMethod.Setting setting =
        SweepMethod.Setting.of(c, CellRun.train(c), CellRun.test(c), Optional.of(folder));
    DrawListener kill =
        e -> {
          if (e.epoch() == 1) {
            throw new IllegalStateException("killed in epoch " + e.epoch());
          }
        };
    Files.createDirectories(folder);
    assertThatThrownBy(
            () -> {
              if (method.equals("rigl")) {
                SweepMethod.dst(setting, DstDrawer.Growth.GRADIENT, 0.7)
                    .checkpoint(folder)
                    .listener(kill)
                    .build()
                    .draw(setting.train(), setting.test());
              } else {
                SweepMethod.superTicketsDrawer(setting, 0)
                    .checkpoint(folder.resolve(SweepMethod.SUPERTICKETS_CHECKPOINT), 0)
                    .listener(kill)
                    .build()
                    .draw(setting.train(), setting.test());
              }
            })
        .hasMessageContaining("killed");

    SweepRow resumed = CellRun.run(c, dir);
    SweepRow unbroken = CellRun.run(c, clean);
    assertThat(resumed.resumed()).isTrue();
    assertThat(unbroken.resumed()).isFalse();
    SuperTicket unbrokenTicket = SuperTicket.load(CellRun.ticketFile(clean, c));
    assertThat(SuperTicket.load(CellRun.ticketFile(dir, c)).isIdenticalTo(unbrokenTicket))
        .as("the resumed cell's ticket is the unbroken one's")
        .isTrue();
    assertThat(resumed.testAccuracy()).isEqualTo(unbroken.testAccuracy());
    assertThat(folder).doesNotExist();
  }

  @Test
  void aCellRunsOnceAndADeadAttemptResumesToTheSameTicket(@TempDir Path dir, @TempDir Path clean)
      throws Exception {
    SweepCell c = cell("supertickets", 0.7, 3);
    // an attempt that dies at the end of its first epoch, leaving a checkpoint of some step behind
    SweepMethod.Setting setting =
        new SweepMethod.Setting(
            SearchSpaces.tiny28(),
            Recipe.standard(),
            2,
            3,
            Normalization.of(CellRun.train(c)),
            CellRun.train(c),
            CellRun.test(c),
            java.util.Optional.of(dir.resolve(CellRun.CHECKPOINTS).resolve(c.id())));
    Path file = setting.checkpoint().get().resolve(SweepMethod.SUPERTICKETS_CHECKPOINT);
    Files.createDirectories(file.getParent());
    assertThatThrownBy(
            () ->
                SweepMethod.superTicketsDrawer(setting, 0.7)
                    .checkpoint(file, 3)
                    .listener(
                        e -> {
                          throw new IllegalStateException("killed after epoch " + e.epoch());
                        })
                    .build()
                    .draw(setting.train(), setting.test()))
        .hasMessageContaining("killed");
    assertThat(file).exists();

    SweepRow resumed = CellRun.run(c, dir);
    SweepRow unbroken = CellRun.run(c, clean);
    assertThat(resumed.resumed()).isTrue();
    assertThat(unbroken.resumed()).isFalse();
    SuperTicket a = SuperTicket.load(CellRun.ticketFile(dir, c));
    SuperTicket b = SuperTicket.load(CellRun.ticketFile(clean, c));
    assertThat(a.architecture()).isEqualTo(b.architecture());
    assertThat(a.state().values().keySet()).isEqualTo(b.state().values().keySet());
    a.state()
        .values()
        .forEach(
            (k, v) ->
                assertThat(v.data().asFloat())
                    .as("the resumed draw's %s", k)
                    .isEqualTo(b.state().values().get(k).data().asFloat()));
    a.state()
        .masks()
        .forEach(
            (k, v) ->
                assertThat(v.data().asFloat())
                    .as("the resumed draw's mask of %s", k)
                    .isEqualTo(b.state().masks().get(k).data().asFloat()));
    assertThat(resumed.testAccuracy()).isEqualTo(unbroken.testAccuracy());
    assertThat(a.provenance().get("sweep.cell")).isEqualTo(c.toJson());
    assertThat(dir.resolve(CellRun.CHECKPOINTS).resolve(c.id())).doesNotExist();

    long written = Files.getLastModifiedTime(CellRun.ticketFile(dir, c)).toMillis();
    assertThat(CellRun.run(c, dir))
        .as("a done cell is read back, not drawn again")
        .isEqualTo(resumed);
    assertThat(Files.getLastModifiedTime(CellRun.ticketFile(dir, c)).toMillis()).isEqualTo(written);
  }

  @Test
  void everyMethodDrawsItsCellAndTheTableHasOneRowACell(@TempDir Path dir) throws Exception {
    SweepGrid grid =
        new SweepGrid(
            ImmutableList.copyOf(SweepMethod.NAMES),
            ImmutableList.of(0.8),
            ImmutableList.of(5L),
            2,
            "tiny28",
            "standard",
            SweepCell.EMBEDDED,
            384,
            100);
    for (SweepCell c : grid.cells()) {
      SweepRow r = CellRun.run(c, dir);
      assertThat(r.sparsity())
          .as(c.id())
          .isCloseTo(c.sparsity(), org.assertj.core.data.Offset.offset(0.01));
      assertThat(r.testAccuracy()).as(c.id()).isBetween(0.0, 1.0);
    }
    List<SweepRow> rows;
    try (var files = Files.list(dir.resolve(CellRun.ROWS))) {
      rows =
          files
              .map(
                  f -> {
                    try {
                      return SweepRow.fromJson(Files.readString(f));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
    }
    SweepTable table = new SweepTable(rows);
    assertThat(table.rows()).hasSize(SweepMethod.NAMES.size());
    assertThat(table.duplicates()).isEmpty();
    table.write(dir, grid.asMap());
    assertThat(Files.readString(dir.resolve(SweepTable.MARKDOWN_FILE)))
        .contains("| rigl+sup | 0.80 | 5 |")
        .contains("test acc, mean ± sd");
  }
}

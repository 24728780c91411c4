package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.draw.Recipe;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.ticket.Retrainer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every drawer takes the recipe a SuperTickets draw takes: its shared part, for the epochs asked.
 */
class SharedRecipeTest {
  @Test
  void aSparseDrawerTrainsWithTheSharedPartOfTheRecipe() {
    Recipe standard = Recipe.standard();
    for (SparseDrawerBuilder<?> b :
        java.util.List.<SparseDrawerBuilder<?>>of(
            GmpDrawer.builder(SearchSpaces.tiny28()), DstDrawer.rigl(SearchSpaces.tiny28()),
            ImpDrawer.builder(SearchSpaces.tiny28()),
                EarlyBirdDrawer.builder(SearchSpaces.tiny28()))) {
      b.recipe(standard).epochs(7);
      Map<String, Object> s = b.retrainer.settings();
      assertThat(s)
          .as(b.getClass().getName())
          .containsEntry("retrained.epochs", 7)
          .containsEntry("retrained.batchSize", standard.batchSize())
          .containsEntry("retrained.learningRate", standard.learningRate())
          .containsEntry("retrained.weightDecay", standard.weightDecay())
          .containsEntry("retrained.labelSmoothing", standard.labelSmoothing())
          .containsEntry("retrained.emaDecay", standard.emaDecay())
          .containsEntry("retrained.calibrationBatches", standard.calibrationBatches())
          .containsEntry("retrained.augmentation", standard.augmentation())
          .containsEntry("retrained.schedule", "one-cycle");
    }
  }

  @Test
  void epochsSetBeforeTheRecipeAreKeptAndTheReferenceRecipeDiffers() {
    GmpDrawer.Builder b =
        GmpDrawer.builder(SearchSpaces.tiny28()).epochs(3).recipe(Recipe.reference());
    assertThat(b.retrainer.epochs()).isEqualTo(3);
    assertThat(b.retrainer.batchSize()).isEqualTo(128);
    assertThat(Recipe.standard().training(2).build().settings())
        .isEqualTo(b.recipe(Recipe.standard()).epochs(2).retrainer.settings());
    assertThat(Retrainer.builder().build().settings())
        .isNotEqualTo(Recipe.standard().training(10).build().settings());
  }

  @Test
  void badValuesAreRefused() {
    GmpDrawer.Builder b = GmpDrawer.builder(SearchSpaces.tiny28());
    assertThatThrownBy(() -> b.epochs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epochs must be positive, got 0");
    assertThatThrownBy(() -> b.recipe(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("Recipe.standard()");
  }
}

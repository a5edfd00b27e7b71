package dev.fraudplatform.learning.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.SyntheticDataset;
import org.junit.jupiter.api.Test;

/** XGBoost4J training (native, in-process, no files): reproducible bytes, and the pure-Java evaluator agrees. */
class ModelTrainerTest {
    private static final Dataset DATA = SyntheticDataset.generate(
            20_000, 24, 10, 5, DecisionBundle.builtIn("rules-v1").rules());

    private static TrainingConfig config(int nthread, long seed) {
        return TrainingConfig.defaults()
                .withRounds(40)
                .withNthread(nthread)
                .withSeed(seed)
                .withSplit(OutOfTimeSplit.Config.fractions(0.6, 0.2));
    }

    @Test
    void theSameDataConfigAndSeedGiveTheSameModelFileByteForByte() {
        OutOfTimeSplit split = OutOfTimeSplit.of(DATA, config(2, 7).split());

        byte[] a = ModelTrainer.train(DATA, split.train(), config(2, 7)).json();
        byte[] b = ModelTrainer.train(DATA, split.train(), config(2, 7)).json();
        byte[] oneThread = ModelTrainer.train(DATA, split.train(), config(1, 7)).json();

        assertThat(a).isEqualTo(b);
        assertThat(oneThread).as("the thread count is not part of the model").isEqualTo(a);
    }

    @Test
    void sampledTreesAreReproducibleTooAndTheSeedMatters() {
        TrainingConfig sampled = new TrainingConfig(
                OutOfTimeSplit.Config.fractions(0.6, 0.2),
                30,
                5,
                0.2,
                0.7,
                0.8,
                1,
                1,
                128,
                2,
                11,
                0.7,
                dev.fraudplatform.learning.evaluation.ThresholdPolicy.defaults());
        OutOfTimeSplit split = OutOfTimeSplit.of(DATA, sampled.split());

        byte[] a = ModelTrainer.train(DATA, split.train(), sampled).json();
        byte[] b = ModelTrainer.train(DATA, split.train(), sampled).json();
        byte[] otherSeed =
                ModelTrainer.train(DATA, split.train(), sampled.withSeed(12)).json();

        assertThat(a).isEqualTo(b);
        assertThat(otherSeed).isNotEqualTo(a);
    }

    @Test
    void thePureJavaEvaluatorScoresAsXGBoostDoesToOneMillionthMissingValuesIncluded() {
        OutOfTimeSplit split = OutOfTimeSplit.of(DATA, config(2, 7).split());
        ModelTrainer.TrainedModel model = ModelTrainer.train(DATA, split.train(), config(2, 7));

        assertThat(model.evaluator().numTrees()).isEqualTo(40);
        assertThat(model.evaluator().numFeatures()).isEqualTo(24);
        assertThat(ModelTrainer.evaluatorDifference(
                        model, DATA, split.test().fromRow(), split.test().toRow()))
                .isLessThanOrEqualTo(ModelTrainer.EVALUATOR_TOLERANCE);
    }

    @Test
    void aWindowWithOneClassIsRefused() {
        OutOfTimeSplit.Window legitOnly = new OutOfTimeSplit.Window("train", 0, 10, 0, 1, 0);
        assertThatThrownBy(() -> ModelTrainer.train(DATA, legitOnly, config(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training needs both classes");
    }
}

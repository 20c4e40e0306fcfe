package org.sparkprop.driver.worker;

import java.io.Serializable;
import org.sparkprop.trainer.model.Device;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * What a training task needs to build its {@link ShardWorker}: the model, the training
 * configuration (batch, optimizer, seed) and where to compute. Small and serialisable: it is
 * what Spark closures capture, never a model or an optimizer.
 */
public record WorkerSpec(MlpSpec model, TrainConfig config, Device device)
    implements Serializable {}

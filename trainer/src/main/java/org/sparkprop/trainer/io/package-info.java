/**
 * Our versioned binary formats with a checksum, never Java serialization: the model file
 * ({@code ModelCodec}) and the checkpoint ({@code CheckpointCodec}), over streams (no file
 * systems here).
 */
package org.sparkprop.trainer.io;

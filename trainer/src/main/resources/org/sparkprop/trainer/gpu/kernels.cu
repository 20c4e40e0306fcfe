// sparkprop GPU kernels: the elementwise and per-row parts of a training step; the matrix
// products are cuBLAS's. Compiled to PTX ahead of time by scripts/build-ptx.sh (clang, no CUDA
// toolkit needed) and loaded with cuModuleLoadData, so the driver JIT-compiles them for the GPU
// at hand and only libcuda.so.1 is needed at run time. Every matrix is row-major; every kernel
// uses a grid-stride loop, so any launch size is correct.
//
// Activation kinds (Activation.Kind): 0 identity, 2 sigmoid (steepness a), 3 tanh, 4 relu,
// 5 leaky relu (a), 6 elu (a), 7 softplus. Step (1) and softmax (8) are not hidden
// activations on the GPU.
//
// exp and log are the PTX approximations (ex2.approx, lg2.approx: relative error ~2^-22),
// the reason the GPU path is equal to the CPU path within a tolerance, not bit for bit.

#define __global__ __attribute__((global))
#define __device__ __attribute__((device))

#define TID (__nvvm_read_ptx_sreg_ctaid_x() * __nvvm_read_ptx_sreg_ntid_x() \
    + __nvvm_read_ptx_sreg_tid_x())
#define STRIDE (__nvvm_read_ptx_sreg_ntid_x() * __nvvm_read_ptx_sreg_nctaid_x())

__device__ static inline float fexp(float x) {
  return __nvvm_ex2_approx_f(x * 1.4426950408889634f);
}

__device__ static inline float flog(float x) {
  return __nvvm_lg2_approx_f(x) * 0.6931471805599453f;
}

__device__ static inline float logistic(float x) {
  if (x >= 0.f) {
    return 1.f / (1.f + fexp(-x));
  }
  float e = fexp(x);
  return e / (1.f + e);
}

__device__ static inline float activate(float x, int kind, float a) {
  switch (kind) {
    case 2: return logistic(a * x);
    case 3: {
      float e = fexp(-2.f * (x < 0.f ? -x : x));
      float t = (1.f - e) / (1.f + e);
      return x < 0.f ? -t : t;
    }
    case 4: return x > 0.f ? x : 0.f;
    case 5: return x > 0.f ? x : a * x;
    case 6: return x > 0.f ? x : a * (fexp(x) - 1.f);
    case 7: return (x > 0.f ? x : 0.f) + flog(1.f + fexp(x < 0.f ? x : -x));
    default: return x;
  }
}

__device__ static inline float derivative(float y, int kind, float a) {
  switch (kind) {
    case 2: return a * y * (1.f - y);
    case 3: return 1.f - y * y;
    case 4: return y > 0.f ? 1.f : 0.f;
    case 5: return y > 0.f ? 1.f : a;
    case 6: return y > 0.f ? 1.f : y + a;
    case 7: return 1.f - fexp(-y);
    default: return 1.f;
  }
}

extern "C" {

// y (rows, cols) = f(y + bias), bias (cols) may be null.
__global__ void bias_act(float* y, const float* bias, int rows, int cols, int kind, float a) {
  int n = rows * cols;
  for (int i = TID; i < n; i += STRIDE) {
    float v = y[i] + (bias ? bias[i % cols] : 0.f);
    y[i] = activate(v, kind, a);
  }
}

// dy (n) *= f'(from the output y).
__global__ void act_backward(const float* y, float* dy, int n, int kind, float a) {
  for (int i = TID; i < n; i += STRIDE) {
    dy[i] *= derivative(y[i], kind, a);
  }
}

// g (cols) += column sums of d (rows, cols), rows in order (as the CPU adds them).
__global__ void col_sum(const float* d, float* g, int rows, int cols) {
  for (int j = TID; j < cols; j += STRIDE) {
    float s = g[j];
    for (int r = 0; r < rows; r++) {
      s += d[r * cols + j];
    }
    g[j] = s;
  }
}

// y (n) = x ⊙ m: inverted dropout with a mask of 0 and 1/keep drawn on the host.
__global__ void mul(float* y, const float* x, const float* m, int n) {
  for (int i = TID; i < n; i += STRIDE) {
    y[i] = x[i] * m[i];
  }
}

// Softmax + cross-entropy, one thread per row: d = softmax(out) − onehot(label), loss[r].
__global__ void softmax_xent(const float* out, const float* labels, float* d, double* loss,
    int rows, int k) {
  for (int r = TID; r < rows; r += STRIDE) {
    const float* o = out + r * k;
    float* dr = d + r * k;
    int label = (int) labels[r];
    float max = o[0];
    for (int j = 1; j < k; j++) {
      max = o[j] > max ? o[j] : max;
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      float e = fexp(o[j] - max);
      dr[j] = e;
      sum += e;
    }
    loss[r] = (double) flog((float) sum) + max - o[label];
    float inv = (float) (1.0 / sum);
    for (int j = 0; j < k; j++) {
      dr[j] *= inv;
    }
    dr[label] -= 1.f;
  }
}

// Sigmoid + binary cross-entropy per element: d = σ(z) − t, loss[i].
__global__ void sigmoid_bce(const float* out, const float* t, float* d, double* loss, int n) {
  for (int i = TID; i < n; i += STRIDE) {
    float z = out[i];
    float az = z < 0.f ? -z : z;
    loss[i] = (double) ((z > 0.f ? z : 0.f) - z * t[i] + flog(1.f + fexp(-az)));
    d[i] = logistic(z) - t[i];
  }
}

// Identity + half squared error per element: d = out − t, loss[i] = ½ d².
__global__ void squared_error(const float* out, const float* t, float* d, double* loss, int n) {
  for (int i = TID; i < n; i += STRIDE) {
    float e = out[i] - t[i];
    d[i] = e;
    loss[i] = 0.5 * (double) e * e;
  }
}

}

// Optimizer and teacher updates, elementwise over a parameter's n floats (the same arithmetic as optim.AdamW
// and train.Teacher on the CPU).

// Decoupled weight decay AdamW: p = p*(1 - lr*wd); m,v moments; p += -lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
// 1 - beta arrive rounded from double on the host, as the CPU optimiser rounds them (1.0f - 0.9f is not 0.1f).
extern "C" __global__ void ibot_adamw_update(float* p, const float* g, float* m, float* v, int n, float decay,
                                             float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                                             float negStepSize, float bc2Sqrt, float eps) {
    IBOT_GRID_STRIDE(i, n) {
        float gi = g[i];
        float pi = p[i] * decay;
        float mi = m[i] * beta1 + oneMinusBeta1 * gi;
        float vi = v[i] * beta2 + oneMinusBeta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / bc2Sqrt + eps;
        p[i] = pi + negStepSize * mi / denom;
    }
}

// Teacher EMA: t = t * momentum + s * (1 - momentum), with 1 - momentum rounded from double on the host
extern "C" __global__ void ibot_ema_update(float* teacher, const float* student, int n, float momentum, float om) {
    IBOT_GRID_STRIDE(i, n) teacher[i] = teacher[i] * momentum + student[i] * om;
}

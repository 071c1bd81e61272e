package org.ibot4j.runtime.golden;

import org.junit.jupiter.api.Test;

/** sum / mean / max over dims, with and without keepdim, against PyTorch. */
class ReduceGoldenTest {
    @Test void sumDim() { OpGolden.check("sum_dim", in -> in.get("x").sum(1, false)); }

    @Test void sumDimKeep() { OpGolden.check("sum_dim_keep", in -> in.get("x").sum(-1, true)); }

    @Test void sumDimsKeep() { OpGolden.check("sum_dims_keep", in -> in.get("x").sum(new int[] {0, 2}, true)); }

    @Test void sumAll() { OpGolden.check("sum_all", in -> in.get("x").sum()); }

    @Test void meanDim() { OpGolden.check("mean_dim", in -> in.get("x").mean(1, false)); }

    @Test void meanDimKeep() { OpGolden.check("mean_dim_keep", in -> in.get("x").mean(-1, true)); }

    @Test void meanAll() { OpGolden.check("mean_all", in -> in.get("x").mean()); }

    @Test void maxDim() { OpGolden.check("max_dim", in -> in.get("x").max(1, false)); }

    @Test void maxDimKeep() { OpGolden.check("max_dim_keep", in -> in.get("x").max(-1, true)); }
}

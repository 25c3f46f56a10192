/* test_plan.c: the greedy arena planner on hand-made lifetimes (exact
 * offsets worked out by hand), its error cases, and on the all-ops fixture
 * the invariants every plan must keep: constants are not placed, offsets are
 * aligned, buffers that are live at the same step never overlap. */
#include <stdlib.h>

#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"

static void plan(struct mdl_plan_buf *b, int n, size_t want_arena, const size_t *want)
{
    size_t arena;
    char err[128];
    CHECK(mdl_plan_greedy(b, n, 16, &arena, err, sizeof err) == KWS_OK);
    CHECK_INT(arena, want_arena);
    for (int i = 0; i < n; i++) CHECK_INT(b[i].offset, want[i]);
}

int main(void)
{
    /* Largest first: A at 0; C does not meet A (steps 2-3 vs 0-1) so it
     * reuses 0; B meets both, goes above A rounded up to 16: 112. */
    struct mdl_plan_buf a[] = { { 100, 0, 1, 0 }, { 50, 1, 2, 0 }, { 80, 2, 3, 0 } };
    plan(a, 3, 162, (const size_t[]){ 0, 112, 0 });
    /* Z reuses Y's space once Y is dead; W meets X, Y, Z: 224. */
    struct mdl_plan_buf b[] = {
        { 100, 0, 3, 0 }, { 100, 0, 1, 0 }, { 100, 2, 3, 0 }, { 16, 1, 2, 0 }
    };
    plan(b, 4, 240, (const size_t[]){ 0, 112, 112, 224 });
    /* A gap below a placed buffer is used: C (16) fits under B at 48. */
    struct mdl_plan_buf c[] = { { 48, 0, 1, 0 }, { 32, 1, 2, 0 }, { 16, 2, 2, 0 } };
    plan(c, 3, 80, (const size_t[]){ 0, 48, 0 });
    /* Everything live at once: stacked with alignment; empty buffers at 0. */
    struct mdl_plan_buf d[] = { { 10, 0, 0, 0 }, { 0, 0, 0, 0 }, { 20, 0, 0, 0 }, { 5, 0, 0, 0 } };
    plan(d, 4, 53, (const size_t[]){ 32, 0, 0, 48 });
    /* Ties keep index order. */
    struct mdl_plan_buf e[] = { { 32, 0, 1, 0 }, { 32, 0, 1, 0 } };
    plan(e, 2, 64, (const size_t[]){ 0, 32 });
    size_t arena;
    char err[128] = "";
    struct mdl_plan_buf bad[] = { { 8, 2, 1, 0 } };
    CHECK(mdl_plan_greedy(bad, 1, 16, &arena, err, sizeof err) == KWS_ERR_ARG);
    CHECK(err[0] != '\0');
    CHECK(mdl_plan_greedy(a, 3, 12, &arena, err, sizeof err) == KWS_ERR_ARG);
    CHECK(mdl_plan_greedy(a, 0, 16, &arena, err, sizeof err) == KWS_OK && arena == 0);

    static struct fixture fx;
    fixture_all_ops(&fx);
    struct mdl_plan p;
    CHECK(mdl_plan_model(&fx.m, &p, err, sizeof err) == KWS_OK);
    CHECK_INT(p.n_tensors, FX_TENSORS);
    size_t live_max = 0;
    for (int s = 0; s < FX_OPS; s++) {
        size_t live = 0;
        for (int i = 0; i < FX_TENSORS; i++) {
            const struct mdl_tensor *t = &fx.t[i];
            if (t->data) {
                CHECK(p.offset[i] == MDL_PLAN_NONE);
                continue;
            }
            CHECK(p.offset[i] != MDL_PLAN_NONE);
            CHECK_INT(p.offset[i] % MDL_ARENA_ALIGN, 0);
            CHECK(p.offset[i] + t->bytes <= p.arena_bytes);
        }
        /* Live at step s: written at or before s and read at or after s. */
        int first[FX_TENSORS], last[FX_TENSORS];
        for (int i = 0; i < FX_TENSORS; i++) first[i] = 99, last[i] = -1;
        first[0] = 0;
        last[22] = FX_OPS - 1;
        for (int k = 0; k < FX_OPS; k++)
            for (int j = 0; j < 4; j++) {
                int x = j < 3 ? fx.o[k].inputs[j] : fx.o[k].outputs[0];
                if (x < 0) continue;
                if (k < first[x]) first[x] = k;
                if (k > last[x]) last[x] = k;
            }
        for (int i = 0; i < FX_TENSORS; i++) {
            if (fx.t[i].data || first[i] > s || last[i] < s) continue;
            live += fx.t[i].bytes;
            for (int j = 0; j < i; j++) {
                if (fx.t[j].data || first[j] > s || last[j] < s) continue;
                bool apart = p.offset[i] >= p.offset[j] + fx.t[j].bytes ||
                    p.offset[j] >= p.offset[i] + fx.t[i].bytes;
                if (!apart) fprintf(stderr, "tensors %d and %d overlap at step %d\n", i, j, s);
                CHECK(apart);
            }
        }
        if (live > live_max) live_max = live;
    }
    /* The arena holds the busiest step, and is far below keeping everything. */
    CHECK(p.arena_bytes >= live_max);
    CHECK(p.arena_bytes < 2 * live_max + 64);
    mdl_plan_free(&p);
    return test_done();
}

/* window.c: the periodic Hann window and its placement in the FFT frame.
 *
 * Periodic Hann (torch.hann_window(periodic=True)): w[i] = 0.5 - 0.5 cos(2 pi
 * i / N) for i < N, i.e. the symmetric window of N+1 points without its last
 * sample, which is what spectral analysis wants (DFT-even). A window shorter
 * than n_fft is centred with zeros on both sides, left pad (n_fft - N) / 2, as
 * torch.stft pads it. */
#include <math.h>
#include <string.h>

#include "dsp.h"

void dsp_hann_periodic(float *out, int win_length, int n_fft)
{
    int left = (n_fft - win_length) / 2;
    memset(out, 0, sizeof *out * (size_t)n_fft);
    for (int i = 0; i < win_length; i++)
        out[left + i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)win_length));
}

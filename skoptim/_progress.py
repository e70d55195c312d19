"""Progress reports: a bar over epochs (or any count), or a line per epoch.

The estimators' ``verbose`` parameter picks the report: 0 is silent, 1 a
progress bar on standard error showing the current loss (and validation
score with early stopping), 2 or more a line per epoch on standard output.
The bar is tqdm's when the optional ``progress`` extra is installed
(``pip install "skoptim[progress]"``), else a plain carriage-return bar.
"""

import sys
import time

__all__ = ["ProgressBar", "epoch_progress"]

_BAR_WIDTH = 20
_MIN_REDRAW_SECONDS = 0.1


def _tqdm_class():
    """tqdm's auto bar (a widget in notebooks) when installed, else None."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _format_seconds(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"


class _TextBar:
    """A carriage-return bar, redrawn at most every 0.1 s and on close."""

    def __init__(self, total, desc, file):
        self.total, self.desc, self.file = total, desc, file
        self.n = 0
        self.postfix = ""
        self.start = self.last_draw = time.perf_counter()
        self.width = 0
        self.closed = False

    def update(self, n=1, postfix=None):
        self.n += n
        if postfix is not None:
            self.postfix = postfix
        now = time.perf_counter()
        if now - self.last_draw >= _MIN_REDRAW_SECONDS:
            self.last_draw = now
            self._draw(now)

    def _draw(self, now):
        fraction = min(self.n / self.total, 1.0) if self.total else 1.0
        filled = int(round(fraction * _BAR_WIDTH))
        bar = "#" * filled + " " * (_BAR_WIDTH - filled)
        text = (
            f"{self.desc}: {fraction:4.0%}|{bar}| {self.n}/{self.total} "
            f"[{_format_seconds(now - self.start)}]"
        )
        if self.postfix:
            text += f" {self.postfix}"
        padding = " " * max(self.width - len(text), 0)
        self.width = len(text)
        self.file.write("\r" + text + padding)
        self.file.flush()

    def close(self):
        if not self.closed:
            self.closed = True
            self._draw(time.perf_counter())
            self.file.write("\n")
            self.file.flush()


class _TqdmBar:
    """The same interface over a tqdm bar."""

    def __init__(self, tqdm, total, desc, file):
        self.bar = tqdm(total=total, desc=desc, file=file, leave=True)

    def update(self, n=1, postfix=None):
        if postfix is not None:
            self.bar.set_postfix_str(postfix, refresh=False)
        self.bar.update(n)

    def close(self):
        self.bar.close()


class ProgressBar:
    """A progress bar over ``total`` steps, written to ``file``.

    Parameters
    ----------
    total : int
        Steps expected; the bar may close early (early stopping).
    desc : str
        Label in front of the bar.
    file : file-like, default=None
        Where to draw; standard error when None.
    use_tqdm : bool, default=True
        Draw with tqdm when it is installed; the plain bar otherwise.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(3, "fit", file=out, use_tqdm=False)
    >>> for loss in (0.9, 0.5, 0.2):
    ...     bar.update(postfix=f"loss={loss}")
    >>> bar.close()
    >>> out.getvalue().splitlines()[-1].split("\\r")[-1].split()
    ['fit:', '100%|####################|', '3/3', '[00:00]', 'loss=0.2']
    """

    def __init__(self, total, desc, file=None, use_tqdm=True):
        file = sys.stderr if file is None else file
        tqdm = _tqdm_class() if use_tqdm else None
        if tqdm is None:
            self._bar = _TextBar(total, desc, file)
        else:
            self._bar = _TqdmBar(tqdm, total, desc, file)

    def update(self, n=1, postfix=None):
        """Advance by ``n`` steps, showing ``postfix`` (str) after the bar."""
        self._bar.update(n, postfix)

    def close(self):
        """Draw the final state and end the line; later calls do nothing."""
        self._bar.close()


def _describe_epoch(loss, score):
    text = f"loss={loss:.5g}"
    if score is not None:
        text += f", val={score:.4f}"
    return text


class _Silent:
    def update(self, loss, score=None):
        pass

    def close(self):
        pass


class _EpochLines:
    """verbose >= 2: scikit-learn's line per epoch, on standard output."""

    def __init__(self, offset):
        self.iteration = offset

    def update(self, loss, score=None):
        self.iteration += 1
        message = f"Iteration {self.iteration}, loss = {loss:.8f}"
        if score is not None:
            message += f", validation score = {score:.6f}"
        print(message)

    def close(self):
        pass


class _EpochBar:
    """verbose == 1: a bar over the epochs with the latest loss and score."""

    def __init__(self, total):
        self.bar = ProgressBar(total, "epochs")

    def update(self, loss, score=None):
        self.bar.update(1, _describe_epoch(loss, score))

    def close(self):
        self.bar.close()


def epoch_progress(verbose, total, offset=0):
    """The report of a training loop for the estimators' ``verbose``.

    Parameters
    ----------
    verbose : int or bool
        0: nothing; 1: a progress bar on standard error; 2 or more: a line
        per epoch on standard output. A single epoch (``partial_fit``) is
        reported by a line at ``verbose=1`` too: a bar over one step tells
        nothing.
    total : int
        Epochs (or iterations) the loop may run.
    offset : int, default=0
        Epochs run before, so that lines count on across calls.

    Returns
    -------
    report
        An object with ``update(loss, score=None)``, called after each epoch,
        and ``close()``, called once the loop stops.
    """
    if not verbose:
        return _Silent()
    if verbose >= 2 or total <= 1:
        return _EpochLines(offset)
    return _EpochBar(total)

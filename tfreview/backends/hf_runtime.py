"""The torch side of the transformers backend: load a local model directory and generate with a verdict stop.

Imported only when `--backend transformers` loads a model, so torch and transformers stay out of every
other path. Load options follow the transformers docs: `local_files_only=True` (nothing fetched),
`dtype=torch.bfloat16`, bitsandbytes NF4 with bf16 compute for 4-bit, `device_map` for placement.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
import transformers

from tfreview import errors

QUANTIZE_HINT = "drop --quantize to run in bf16 (slow on a CPU), or run on a machine with an NVIDIA GPU"


class _VerdictCriteria(transformers.StoppingCriteria):  # type: ignore[misc]
    """Ask the backend's stop check after every token; one sequence is generated at a time."""

    def __init__(self, stop: Callable[[Sequence[int]], bool], prompt_length: int) -> None:
        self.stop = stop
        self.prompt_length = prompt_length

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        done = self.stop(input_ids[0, self.prompt_length:].tolist())
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)


class HFRuntime:
    """A loaded causal LM and its tokenizer."""

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.context_length: int | None = getattr(model.config, "max_position_embeddings", None)
        eos = model.generation_config.eos_token_id
        self.eos_ids = {*(eos if isinstance(eos, list) else [eos]), tokenizer.eos_token_id} - {None}

    def generate(self, prompt_ids: list[int], max_new_tokens: int, temperature: float, top_p: float,
                 stop: Callable[[Sequence[int]], bool]) -> tuple[list[int], bool]:
        """(new token ids, whether the model ended with an end-of-sequence token)."""
        input_ids = torch.tensor([prompt_ids], device=self.model.device)
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": temperature, "top_p": top_p} if temperature > 0 else
            {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        )
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                max_new_tokens=max_new_tokens,
                stopping_criteria=transformers.StoppingCriteriaList([_VerdictCriteria(stop, len(prompt_ids))]),
                pad_token_id=self.tokenizer.pad_token_id or min(self.eos_ids, default=0),
                **sampling,
            )
        new = [int(t) for t in output[0, len(prompt_ids):].tolist()]
        ended = bool(new) and new[-1] in self.eos_ids
        return new, ended


def load_runtime(path: Path, quantize: str, device: str) -> HFRuntime:
    """Load the tokenizer and model of PATH from local files only; BackendError for a setup that cannot work."""
    kwargs: dict[str, Any] = {"local_files_only": True, "dtype": torch.bfloat16, "device_map": _device_map(device)}
    if quantize != "none":
        _check_quantizable(quantize, device)
        kwargs["quantization_config"] = _quantization(quantize)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
    model.eval()
    return HFRuntime(model, tokenizer)


def _device_map(device: str) -> str | dict[str, Any]:
    cuda = torch.cuda.is_available()
    if device == "cuda" and not cuda:
        raise errors.BackendUnavailable("--device cuda, but PyTorch sees no CUDA GPU — check the driver and that "
                                        "torch is a CUDA build, or pass --device cpu")
    if device == "cpu" or not cuda:
        return {"": "cpu"}
    if device == "cuda" or importlib.util.find_spec("accelerate") is None:
        return {"": 0}
    return "auto"  # accelerate spreads a model that does not fit one GPU over the others


def _check_quantizable(quantize: str, device: str) -> None:
    if importlib.util.find_spec("bitsandbytes") is None:
        raise errors.BackendUnavailable(f"--quantize {quantize} needs bitsandbytes, which is not installed — run "
                                        "`pip install 'tfreview[transformers]' bitsandbytes`, or drop --quantize")
    if device == "cpu" or not torch.cuda.is_available():
        raise errors.BackendUnavailable(f"--quantize {quantize} needs a CUDA GPU and "
                                        f"{'--device cpu was given' if device == 'cpu' else 'none is visible'} "
                                        f"— {QUANTIZE_HINT}")


def _quantization(quantize: str) -> Any:
    if quantize == "8bit":
        return transformers.BitsAndBytesConfig(load_in_8bit=True)
    return transformers.BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16,
        bnb_4bit_use_double_quant=True,
    )

"""Training with the AutoML parameters: a run folder out with the best model, checkpoints and a metric log.

Layout of ``output``: ``model/`` (the best model folder), ``checkpoints/epoch_NNNN.pt`` (every
``checkpoint_frequency`` epochs, and the last one), ``validation/epoch_NNNN/`` (predictions and
Argus's evaluation). Each epoch's random state is derived from ``random_seed`` and the epoch, so a
run resumed from a checkpoint continues exactly as the uninterrupted run would.
"""

import math
import os
import time
from pathlib import Path

import torch

from . import bundle, data, devices, models, schedule, settings as settings_module, validation
from .protocol import Progress, RunnerError, emit


def run(raw):
    settings = settings_module.check(raw)
    for key in ("training_data", "output"):
        if not settings[key]:
            raise RunnerError(f"configuration: '{key}' is required for train")
    if settings.validation_data and not settings.argus:
        raise RunnerError("configuration: validation metrics come from Argus; set 'argus' to the argus executable")
    distributed = _distributed_setup()
    rank = torch.distributed.get_rank() if distributed else 0
    output = Path(settings.output)
    train_items = data.read_jsonl(settings.training_data)
    labels = data.class_labels(train_items, settings.task)
    valid_items = data.read_jsonl(settings.validation_data) if settings.validation_data else []
    unknown = sorted(set(data.class_labels(valid_items, settings.task)) - set(labels)) if valid_items else []
    if unknown:
        raise RunnerError(f"{settings.validation_data}: labels that the training data does not have: "
                          f"{', '.join(unknown[:10])}")
    device = devices.choose(settings.device)
    if distributed and device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    torch.manual_seed(settings.random_seed)
    model = models.build(settings, len(labels))
    if settings.weights:
        models.load_weights(model, settings.weights)
    elif rank == 0:
        emit("log", message=f"no weights given: {settings.model_name} starts from scratch")
    models.freeze(model, settings.layers_to_freeze)
    model.to(device)
    trainer = Trainer(settings, model, train_items, labels, device, distributed)
    state = trainer.resume(settings.checkpoint_path) if settings.checkpoint_path else {}
    if rank == 0:
        emit("start", phase="train", epochs=settings.number_of_epochs, steps_per_epoch=trainer.steps_per_epoch,
             images=len(train_items), labels=labels, device=str(device), start_epoch=state.get("epoch", 0) + 1)
    trainer.fit(state, valid_items, output, rank)
    if distributed:
        torch.distributed.destroy_process_group()


def _distributed_setup():
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    torch.distributed.init_process_group(backend)
    return True


class Trainer:
    def __init__(self, settings, model, items, labels, device, distributed):
        self.settings, self.model, self.items, self.labels, self.device = settings, model, items, labels, device
        self.classification = "classification" in settings.task
        self.dataset = self._dataset()
        self.sampler = torch.utils.data.DistributedSampler(self.dataset, seed=settings.random_seed) \
            if distributed else None
        self.steps_per_epoch = math.ceil(len(self.sampler or self.dataset) / settings.training_batch_size)
        self.net = torch.nn.parallel.DistributedDataParallel(model) if distributed else model
        self.optimizer = schedule.optimizer(settings, model.parameters())
        self.scheduler = schedule.scheduler(settings, self.optimizer, self.steps_per_epoch)
        fp16 = device.type == "cuda" and settings.autocast in ("auto", "fp16")
        self.scaler = torch.amp.GradScaler("cuda", enabled=fp16)
        self.loss = self._loss()
        self.step = 0

    def _dataset(self):
        s = self.settings
        if self.classification:
            transform = models.classification_transforms(s, training=True)
            return data.ClassificationSet(self.items, self.labels, transform,
                                          multilabel=s.task == "image_classification_multilabel")
        return data.DetectionSet(self.items, self.labels, masks=s.task == "image_instance_segmentation",
                                 augment=s.apply_automl_train_augmentations)

    def _loss(self):
        if not self.classification:
            return None
        if self.settings.task == "image_classification_multilabel":
            return torch.nn.BCEWithLogitsLoss()
        weight = None
        if self.settings.weighted_loss:
            counts = torch.zeros(len(self.labels))
            for item in self.items:
                counts[self.labels.index(str(item.label))] += 1
            weight = (counts.sum() / counts.clamp(min=1)) ** (0.5 if self.settings.weighted_loss == 1 else 1.0)
            weight = (weight / weight.mean()).to(self.device)
        return torch.nn.CrossEntropyLoss(weight=weight)

    def resume(self, path):
        """Restores model, optimizer, schedule and early-stopping state from a runner checkpoint (a file, or a
        run folder or checkpoints folder, whose latest checkpoint is taken)."""
        path = latest_checkpoint(Path(path))
        try:
            saved = torch.load(path, map_location="cpu", weights_only=False)
        except (OSError, RuntimeError) as error:
            raise RunnerError(f"{path}: cannot read the checkpoint ({error})") from None
        if saved.get("labels") != self.labels:
            raise RunnerError(f"{path}: the checkpoint's labels differ from the training data's")
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])
        self.scaler.load_state_dict(saved["scaler"])
        self.step = saved["step"]
        return saved["progress"]

    def fit(self, state, valid_items, output, rank):
        s = self.settings
        best = state.get("best", -math.inf)
        best_epoch = state.get("best_epoch", 0)
        for epoch in range(state.get("epoch", 0) + 1, s.number_of_epochs + 1):
            loss, rate = self._epoch(epoch)
            record = {"epoch": epoch, "loss": loss, "learning_rate": self.optimizer.param_groups[0]["lr"],
                      "images_per_second": rate}
            evaluate = valid_items and epoch % s.evaluation_frequency == 0
            if evaluate and rank == 0:
                name, value, metrics = validation.evaluate(self.model, valid_items, s, self.labels, self.device,
                                                           output / "validation" / f"epoch_{epoch:04d}")
                record.update(primary_metric={"name": name, "value": value}, metrics=metrics)
                if value > best:
                    best, best_epoch = value, epoch
                    bundle.save(output / "model", self.model, s, self.labels)
            elif not valid_items and rank == 0:
                bundle.save(output / "model", self.model, s, self.labels)
            stop = self._should_stop(epoch, best_epoch) if evaluate else False
            last = epoch == s.number_of_epochs or stop or self._out_of_steps()
            progress = {"epoch": epoch, "best": best, "best_epoch": best_epoch}
            if rank == 0 and ((s.checkpoint_frequency and epoch % s.checkpoint_frequency == 0) or last):
                record["checkpoint"] = str(self._checkpoint(output, progress))
            if rank == 0:
                emit("epoch", **record)
            if last:
                break
        if rank == 0:
            emit("done", phase="train", model=str(output / "model"), best_epoch=best_epoch,
                 best=None if best == -math.inf else best, epochs_run=epoch, early_stopped=bool(stop))

    def _epoch(self, epoch):
        torch.manual_seed(self.settings.random_seed * 100_003 + epoch)
        if self.sampler is not None:
            self.sampler.set_epoch(epoch)
        loader = torch.utils.data.DataLoader(
            self.dataset, batch_size=self.settings.training_batch_size, shuffle=self.sampler is None,
            sampler=self.sampler, num_workers=self.settings.number_of_workers,
            pin_memory=self.device.type == "cuda", collate_fn=None if self.classification else data.collate,
            generator=torch.Generator().manual_seed(self.settings.random_seed + epoch), drop_last=False)
        self.net.train()
        progress = Progress(len(self.sampler or self.dataset), "train")
        total, count, started = 0.0, 0, time.monotonic()
        for images, targets, _ in loader:
            loss = self._step(images, targets)
            total += loss * len(images)
            count += len(images)
            progress.advance(len(images), epoch=epoch, step=self.step, loss=round(loss, 6))
            if self._out_of_steps():
                break
        elapsed = time.monotonic() - started
        return round(total / max(count, 1), 6), round(count / elapsed, 2) if elapsed > 0 else 0.0

    def _step(self, images, targets):
        self.optimizer.zero_grad(set_to_none=True)
        with devices.autocast(self.device, self.settings.autocast):
            if self.classification:
                logits = self.net(images.to(self.device, non_blocking=True))
                loss = self.loss(logits.float(), _target(targets, self.device))
            else:
                images = [image.to(self.device) for image in images]
                targets = [{k: v.to(self.device) for k, v in t.items()} for t in targets]
                loss = sum(self.net(images, targets).values())
        if not torch.isfinite(loss):
            raise RunnerError(f"the loss became {float(loss)} at step {self.step}; lower the learning_rate")
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        self.step += 1
        return float(loss.detach())

    def _out_of_steps(self):
        return bool(self.settings.max_steps) and self.step >= self.settings.max_steps

    def _should_stop(self, epoch, best_epoch):
        s = self.settings
        return s.early_stopping and epoch > s.early_stopping_delay and epoch - best_epoch >= s.early_stopping_patience

    def _checkpoint(self, output, progress):
        folder = output / "checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"epoch_{progress['epoch']:04d}.pt"
        staging = path.with_name(path.name + ".partial")
        torch.save({"model": bundle.unwrapped(self.model).state_dict(), "optimizer": self.optimizer.state_dict(),
                    "scheduler": self.scheduler.state_dict(), "scaler": self.scaler.state_dict(),
                    "step": self.step, "progress": progress, "labels": self.labels}, staging)
        os.replace(staging, path)
        return path


def latest_checkpoint(path):
    if not path.is_dir():
        return path
    folder = path / "checkpoints" if (path / "checkpoints").is_dir() else path
    found = sorted(folder.glob("epoch_*.pt"))
    if not found:
        raise RunnerError(f"{path}: no checkpoint (checkpoints/epoch_NNNN.pt) in the folder")
    return found[-1]


def _target(targets, device):
    if isinstance(targets, torch.Tensor):
        return targets.to(device)
    return torch.as_tensor(targets, device=device)

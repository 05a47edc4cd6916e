"""What trained vision models are used for and how they are read: interpretability (Grad-CAM,
saliency), boxes and masks, transfer learning, loading pretrained weights, adversarial examples (FGSM).

Used in lessons 12, 13, 14, 18.
"""

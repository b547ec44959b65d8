"""Frontier Atlas: military exercises, border crossings and disputed regions on a map."""

"""Material already in transit at the start: what steady ordering keeps on each lane.

For every node, sourced commodity and supplier, the quantity in flight in steady state is
use per day × the supplier's share × the lane's mean transit time. It is put on the lane as
lots of one review period's worth, landing evenly over the first transit time, so a run does
not begin with every buyer ordering its whole pipeline at once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.orders import Shipment

if TYPE_CHECKING:
    from sim.model.network import Network


def seed_pipelines(network: Network) -> None:
    """Put the material that is on its way at the start (one transit time of flow) on every lane."""
    ctx = network.ctx
    for node in network.nodes.values():
        review = node.ordering.review_days
        for commodity, sourcing in node.sourcing.items():
            use = node.use_per_day(commodity, 0.0)
            if use <= 0:
                continue
            for supplier, share in sourcing.weights(0.0).items():
                lane = network.lane(supplier, node)
                transit = lane.mean_transit()
                total = use * share * transit
                if total <= 0:
                    continue
                lots = max(1, math.ceil(transit / review))
                origin = dict(supplier.stock(commodity).origin) or {supplier.country: 1.0}
                for j in range(lots):
                    arrival = transit * (j + 0.5) / lots
                    q = total / lots
                    sh = Shipment(supplier, node, commodity, q, origin, arrival - transit)
                    sh.arrival = arrival
                    lane.seed(ctx, sh)
                    node.on_order[commodity] = node.on_order.get(commodity, 0.0) + q
                    node.ordered[commodity] = node.ordered.get(commodity, 0.0) + q

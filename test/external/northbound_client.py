#!/usr/bin/env python3
"""An external client of the srv6-sfc controller's northbound API, in Python with grpcio.

It proves the protos serve any language: the stubs are generated from proto/ (grpc_tools.protoc)
into GENERATED_DIR by the test that runs this script (test/unit/controller/grpc/python-client.test.ts),
which also starts the controller. The client checks health, creates a chain (after a dry run),
lists, gets and deletes it, and decodes the rich error details of refused calls
(google.rpc.Status in the grpc-status-details-bin trailer) with stubs from the same protos.

Usage: northbound_client.py GENERATED_DIR HOST:PORT
Prints one JSON object per step on stdout; exits non-zero on any unexpected failure.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from srv6sfc.v1 import chain_pb2 as c  # noqa: E402
from srv6sfc.v1 import chain_service_pb2 as cs  # noqa: E402
from srv6sfc.v1 import chain_service_pb2_grpc as csg  # noqa: E402
from srv6sfc.v1 import function_config_pb2 as fc  # noqa: E402


def report(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def rpc_error(err):
    """The code, ErrorInfo reason and BadRequest field violations of a failed call."""
    out = {"code": err.code().name, "reason": "", "violations": []}
    for key, value in err.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                out["reason"] = info.reason
                out["domain"] = info.domain
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                out["violations"] = [{"field": v.field, "description": v.description} for v in bad.field_violations]
    return out


def web_chain(egress="nodes/edge2", destination="10.2.0.0/24"):
    return c.Chain(
        labels={"app": "web"},
        spec=c.ChainSpec(
            ingress=c.Ingress(node="nodes/edge1", match=c.TrafficMatch(destinations=[destination])),
            egress=c.Egress(node=egress),
            functions=[
                c.ChainFunction(name="fw", firewall=fc.FirewallConfig(default_action=fc.VERDICT_ACCEPT), placement=c.Placement(node="nodes/host1")),
                c.ChainFunction(name="mon", monitor=fc.MonitorConfig()),
            ],
        ),
    )


def main():
    channel = grpc.insecure_channel(sys.argv[2])
    grpc.channel_ready_future(channel).result(timeout=10)
    chains = csg.ChainServiceStub(channel)
    health = health_pb2_grpc.HealthStub(channel)
    timeout = 10

    status = health.Check(health_pb2.HealthCheckRequest(service="srv6sfc.v1.ChainService"), timeout=timeout).status
    report("health", status=health_pb2.HealthCheckResponse.ServingStatus.Name(status))

    dry = chains.CreateChain(cs.CreateChainRequest(chain_id="web", chain=web_chain(), validate_only=True), timeout=timeout)
    report("dry-run", nodes=[n.node for n in dry.plan.nodes], generation=dry.chain.generation)

    created = chains.CreateChain(cs.CreateChainRequest(chain_id="web", chain=web_chain(), request_id="7d444840-9dc0-11d1-b245-5ffdce74fad2"), timeout=timeout)
    report("create", name=created.chain.name, generation=created.chain.generation, etag=created.chain.etag, has_plan=created.HasField("plan"))

    page = chains.ListChains(cs.ListChainsRequest(filter="labels.app=web", page_size=10), timeout=timeout)
    report("list", names=[ch.name for ch in page.chains], next_page_token=page.next_page_token)

    got = chains.GetChain(cs.GetChainRequest(name="chains/web"), timeout=timeout).chain
    report(
        "get",
        name=got.name,
        labels=dict(got.labels),
        functions=[f.name for f in got.spec.functions],
        types=[f.WhichOneof("type") for f in got.spec.functions],
        decap=c.Egress.DecapMode.Name(got.spec.egress.decap),
        reconciling=got.reconciling,
        create_time_set=got.HasField("create_time"),
    )

    try:
        chains.CreateChain(cs.CreateChainRequest(chain_id="bad", chain=web_chain(egress="nodes/nowhere", destination="10.9.0.0/24")), timeout=timeout)
        report("invalid", error=None)
    except grpc.RpcError as err:
        report("invalid", error=rpc_error(err))

    chains.DeleteChain(cs.DeleteChainRequest(name="chains/web", etag=got.etag), timeout=timeout)
    try:
        chains.GetChain(cs.GetChainRequest(name="chains/web"), timeout=timeout)
        report("deleted", error=None)
    except grpc.RpcError as err:
        report("deleted", error=rpc_error(err))

    channel.close()


if __name__ == "__main__":
    main()

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class IdentityProviders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "identity_providers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SiteId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    SealedClientSecret = table.Column<byte[]>(type: "bytea", nullable: true),
                    Issuer = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Tenant = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    TeamId = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    KeyId = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    TrustEmail = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_providers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_identity_providers_sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linked_identities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SiteId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProviderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    LinkedAt = table.Column<long>(type: "bigint", nullable: false),
                    LastSignInAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_linked_identities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_linked_identities_identity_providers_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "identity_providers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_linked_identities_members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_identity_providers_SiteId",
                table: "identity_providers",
                column: "SiteId");

            migrationBuilder.CreateIndex(
                name: "IX_linked_identities_MemberId",
                table: "linked_identities",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_linked_identities_ProviderId_Subject",
                table: "linked_identities",
                columns: new[] { "ProviderId", "Subject" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "linked_identities");

            migrationBuilder.DropTable(
                name: "identity_providers");
        }
    }
}
